"""Routing suggestions (issue 16): the category and the responsible unit a new
matter probably needs, top 3 each with a confidence, learned from the petition
office's own concluded matters.

The model is multinomial naive Bayes over jieba's words (synonyms folded, as for
similarity): a linear model in log space whose every weight is a word's count
under a class, so a suggestion explains itself by the words that weighed most
(`why`). It is small enough to keep as JSON in the database (`RoutingModel`,
one per office), and needs no numeric library. Learned from: the office's
concluded matters that were not merged and are not accusations (an accusation's
words and routes never reach a suggestion, so its unit never learns of it),
the latest MAX_HISTORY. Retrained by `manage.py search_train_routing`, which the
scheduler runs (XINFANG_PERIODIC_COMMANDS). With fewer than
XINFANG_ROUTING_MIN_HISTORY (200) matters learned, nothing is suggested.
A suggestion is shown to the clerk or dispatcher who accepts or changes it:
nothing is ever applied by itself. bench/routing.py prints the accuracy on
held-out history.
"""

from __future__ import annotations

import math
from collections import Counter

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xinfang.core.exceptions import InvalidInput
from xinfang.orgs.models import Membership, Unit, UnitKind
from xinfang.petitions.models import Category, Petition, State
from xinfang.petitions.services import office_for

from . import related, segment
from .models import RoutingModel

MAX_HISTORY = 20000
MAX_WORDS_PER_CLASS = 3000
TOP = 3


def min_history() -> int:
    return int(getattr(settings, "XINFANG_ROUTING_MIN_HISTORY", 200))


def features(text: str, canonical: dict | None = None) -> list[str]:
    canonical = canonical if canonical is not None else related._canonical()
    return [canonical.get(w, w) for w in segment.words(text) if len(w) > 1]


def fit(docs: list[tuple[list[str], str]]) -> dict:
    """Word counts per class from (words, label) pairs: the naive Bayes model."""
    classes: dict[str, dict] = {}
    vocab: set[str] = set()
    for words, label in docs:
        c = classes.setdefault(label, {"docs": 0, "counts": Counter()})
        c["docs"] += 1
        c["counts"].update(words)
        vocab.update(words)
    out = {}
    for label, c in classes.items():
        kept = dict(c["counts"].most_common(MAX_WORDS_PER_CLASS))
        out[label] = {"docs": c["docs"], "total": sum(c["counts"].values()), "counts": kept}
    return {"classes": out, "vocab": len(vocab), "docs": len(docs)}


def predict(model: dict, words: list[str], top: int = TOP) -> list[tuple[str, float, list[str]]]:
    """The `top` likeliest classes with their probability and the words that weighed
    most for each (Laplace smoothing, probabilities normalised over the classes)."""
    classes = model.get("classes") or {}
    if not classes or not words:
        return []
    n, v = model["docs"], max(model["vocab"], 1)
    scores, reasons = {}, {}
    for label, c in classes.items():
        denom = c["total"] + v
        prior = math.log(c["docs"] / n)
        base = math.log(1 / denom)
        gain = {w: math.log((c["counts"].get(w, 0) + 1) / denom) - base for w in set(words)}
        scores[label] = prior + sum(base + gain[w] for w in words)
        reasons[label] = [w for w, g in sorted(gain.items(), key=lambda kv: -kv[1])[:3] if g > 0]
    best = max(scores.values())
    exp = {k: math.exp(s - best) for k, s in scores.items()}
    total = sum(exp.values())
    ranked = sorted(exp.items(), key=lambda kv: -kv[1])[:top]
    return [(label, p / total, reasons[label]) for label, p in ranked]


def history(office: Unit):
    return (
        Petition.objects.filter(
            office=office,
            state=State.CONCLUDED,
            merged_into__isnull=True,
            accusation=False,
            category__isnull=False,
            responsible_unit__isnull=False,
        )
        .order_by("-received_on", "-pk")
        .values_list("summary", "content", "request", "category_id", "responsible_unit_id")[
            :MAX_HISTORY
        ]
    )


def train(office: Unit) -> RoutingModel:
    """(Re)train the office's model from its concluded matters."""
    canonical = related._canonical()
    cats, units = [], []
    for summary, content, request, category_id, unit_id in history(office):
        words = features("\n".join([summary, content, request]), canonical)
        cats.append((words, str(category_id)))
        units.append((words, str(unit_id)))
    model = {"category": fit(cats), "unit": fit(units)}
    with transaction.atomic():
        row, _ = RoutingModel.objects.update_or_create(
            office=office,
            defaults={"trained_at": timezone.now(), "matters": len(cats), "model": model},
        )
    return row


def train_all() -> dict[str, int]:
    return {
        office.name: train(office).matters
        for office in Unit.objects.filter(kind=UnitKind.PETITION_OFFICE, is_active=True)
    }


def suggest(*, office: Unit | None, text: str) -> dict | None:
    """{"category": [...], "unit": [...], "matters": n} or None: no model yet, too
    little history, or no words to go by."""
    if office is None:
        return None
    row = RoutingModel.objects.filter(office=office).first()
    if row is None or row.matters < min_history():
        return None
    words = features(text)
    if not words:
        return None
    cats = predict(row.model["category"], words)
    units = predict(row.model["unit"], words)
    names = dict(
        Category.objects.filter(pk__in=[int(c) for c, *_ in cats]).values_list("pk", "name")
    )
    unit_names = dict(
        Unit.objects.filter(pk__in=[int(u) for u, *_ in units]).values_list("pk", "name")
    )

    def rows(found, named):
        return [
            {"id": int(k), "name": named.get(int(k), ""), "confidence": round(p, 2), "why": why}
            for k, p, why in found
            if int(k) in named
        ]

    return {
        "category": rows(cats, names),
        "unit": rows(units, unit_names),
        "matters": row.matters,
        "trained_at": row.trained_at.isoformat(),
    }


def office_of_user(user) -> Unit | None:
    """The petition office a clerk or dispatcher registers and routes for: the
    office of their first membership's territory."""
    m = Membership.objects.filter(user=user).select_related("unit").order_by("pk").first()
    if m is None:
        return None
    try:
        return office_for(m.unit)
    except InvalidInput:  # a unit outside every office's territory
        return None
