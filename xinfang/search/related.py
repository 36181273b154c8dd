"""Earlier matters of the same person and matters with similar content (重复信访),
for a registration before it is saved and for a matter's page.

- The same person: petitions' window search (an exact ID number through its
  keyed hash, or the full name together with the phone's hash), visible matters
  only, each ID/phone look-up on the security record (that service writes it).
- Similar content: TF-IDF cosine similarity over jieba's words, synonyms folded
  to the first word of their group, the weights from jieba's bundled IDF table
  (a general Chinese corpus; an unknown word, such as an employer's name, gets
  the median weight). Candidates are the visible matters sharing one of the
  text's KEYWORDS best words (the full-text index, ranked), at most
  MAX_CANDIDATES; a candidate at SIMILARITY_THRESHOLD or above is shown.

The threshold is measured, not guessed: bench/related_quality.py scores a
labelled set of pairs built from the demo generator (duplicates, paraphrases,
unrelated matters, and hard negatives: the same grievance about another
employer); at 0.50 precision is 0.95 and recall 0.97 with the hard negatives
counted (docs/benchmarks.md). 0.25, the first guess, had precision 0.68.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import cache

import jieba.analyse
from django.urls import reverse

from xinfang.petitions import services as petition_services
from xinfang.petitions.models import OPEN_STATES, Petition, Route

from . import engine, segment
from . import query as q
from .models import Kind

SIMILARITY_THRESHOLD = 0.50
KEYWORDS = 8
MAX_CANDIDATES = 50
MAX_SHOWN = 10


@dataclass
class Related:
    petition: Petition
    why: str  # "person" or "content"
    score: float
    url: str

    @property
    def group(self) -> str:
        """open, concluded, or ended (三级终结: no longer accepted)."""
        if self.petition.state in OPEN_STATES:
            return "open"
        if self.petition.route == Route.NO_LONGER_ACCEPTED:
            return "ended"
        return "concluded"


@cache
def _idf() -> tuple[dict, float]:
    table = jieba.analyse.TFIDF()
    return table.idf_freq, table.median_idf


def _canonical() -> dict[str, str]:
    return {w: group[0] for w, group in q.synonym_groups().items()}


def vector(text: str, canonical: dict[str, str] | None = None) -> dict[str, float]:
    """The TF-IDF weights of a text's words (synonyms folded), unit length."""
    canonical = canonical if canonical is not None else _canonical()
    idf, median = _idf()
    counts = Counter(canonical.get(w, w) for w in segment.words(text) if len(w) > 1)
    weights = {w: n * idf.get(w, median) for w, n in counts.items()}
    norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
    return {w: v / norm for w, v in weights.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def keywords(vec: dict[str, float], n: int = KEYWORDS) -> list[str]:
    return [w for w, _ in sorted(vec.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


def similar(*, user, text: str, exclude: int | None = None) -> list[Related]:
    """Visible matters whose content is like `text`, most similar first."""
    canonical = _canonical()
    vec = vector(text, canonical)
    if not vec:
        return []
    # Each keyword and its synonyms: a matter saying 欠薪 is a candidate for 拖欠工资.
    groups = q.synonym_groups()
    words = list(dict.fromkeys(x for w in keywords(vec) for x in [w, *groups.get(w, [])]))
    rows, _ = engine.run(
        user,
        q.any_of(words),
        kinds=[Kind.PETITION],
        filters={},
        limit=MAX_CANDIDATES,
        count=False,
    )
    scored = []
    for row in rows:
        if row["object_id"] == exclude:
            continue
        score = cosine(vec, vector(row["body"], canonical))
        if score >= SIMILARITY_THRESHOLD:
            scored.append((score, row["object_id"]))
    scored.sort(reverse=True)
    scored = scored[:MAX_SHOWN]
    found = Petition.objects.in_bulk([pk for _, pk in scored])
    return [
        Related(found[pk], "content", round(s, 2), reverse("petitions:detail", args=[pk]))
        for s, pk in scored
        if pk in found
    ]


def same_person(
    *, user, request=None, name: str = "", id_number: str = "", phone: str = ""
) -> list[Related]:
    """Visible matters of the person with this ID number, or this name and phone.
    Nothing is looked up for a name alone (namesakes), nor for a user who does not
    keep a reception window."""
    name, id_number, phone = (name or "").strip(), (id_number or "").strip(), (phone or "").strip()
    if not petition_services.may_keep_window(user):
        return []
    if id_number:
        hits = petition_services.window_search(actor=user, request=request, id_number=id_number)
    elif name and phone:
        hits = petition_services.window_search(actor=user, request=request, name=name, phone=phone)
    else:
        return []
    seen: dict[int, Related] = {}
    for hit in hits:
        p = hit.petition
        seen.setdefault(p.pk, Related(p, "person", 1.0, reverse("petitions:detail", args=[p.pk])))
    return list(seen.values())


def grouped(items: list[Related]) -> dict[str, list[Related]]:
    out: dict[str, list[Related]] = {"open": [], "concluded": [], "ended": []}
    for item in items:
        out[item.group].append(item)
    return out


def as_json(found: dict) -> dict:
    """check()'s answer as JSON (the API and the registration page's fetch)."""
    return {
        why: {
            group: [
                {
                    "id": r.petition.pk,
                    "number": r.petition.number,
                    "summary": r.petition.summary,
                    "state": r.petition.get_state_display(),
                    "received_on": r.petition.received_on.isoformat(),
                    "score": r.score,
                    "url": r.url,
                }
                for r in items
            ]
            for group, items in groups.items()
        }
        for why, groups in found.items()
    }


def check(*, user, request=None, text: str = "", person: dict | None = None, exclude=None):
    """Both look-ups for a registration: {"person": grouped, "content": grouped}."""
    person_hits = [
        r
        for r in same_person(user=user, request=request, **(person or {}))
        if r.petition.pk != exclude
    ]
    known = {r.petition.pk for r in person_hits}
    content_hits = [
        r for r in similar(user=user, text=text, exclude=exclude) if r.petition.pk not in known
    ]
    return {"person": grouped(person_hits), "content": grouped(content_hits)}
