"""What the search area shows a user (every read goes through the lower areas'
visibility, see engine.py): ranked, highlighted, paginated hits."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.safestring import SafeString

from xinfang.core.exceptions import NotFound
from xinfang.core.inputs import optional_date
from xinfang.mediation.models import Dispute, MediationCase
from xinfang.petitions import permissions as petition_permissions
from xinfang.petitions.models import Petition

from . import engine, highlight
from . import query as q
from .models import Kind

PAGE_SIZE = 20
# Filters a search takes, as the lists do (the matter list's names).
FILTERS = ("state", "unit", "category", "channel", "colour", "date_from", "date_to")
DETAIL_URLS = {
    Kind.PETITION: "petitions:detail",
    Kind.DISPUTE: "mediation:dispute",
    Kind.CASE: "mediation:case",
}


@dataclass
class Hit:
    kind: str
    kind_label: str
    object_id: int
    number: str
    title: SafeString
    snippet: SafeString
    state: str
    dated: object
    score: float
    url: str


@dataclass
class Results:
    query: str
    hits: list[Hit]
    total: int
    page: int
    pages: int
    words: list[str]
    more: bool = False  # more matches than `total` (the count stops at engine.COUNT_CAP)

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def kinds_for(kind: str | None) -> list[str]:
    """The kinds a search covers: one named, or all three."""
    return [kind] if kind in Kind.values else list(Kind.values)


def clean_filters(raw) -> dict:
    f = {k: raw.get(k) for k in FILTERS if raw.get(k) not in (None, "")}
    for name in ("date_from", "date_to"):
        if f.get(name):
            f[name] = optional_date(f[name], name)
    return f


def _page(value) -> int:
    text = str(value or "1")
    return max(1, min(int(text), 10_000)) if text.isascii() and text.isdigit() else 1


# The page's objects, loaded live (number, title, state, date; the index holds text).
LOADERS = {
    Kind.PETITION: lambda ids: Petition.objects.filter(pk__in=ids),
    Kind.DISPUTE: lambda ids: Dispute.objects.filter(pk__in=ids),
    Kind.CASE: lambda ids: MediationCase.objects.filter(pk__in=ids).select_related("dispute"),
}


def _describe(kind: str, obj) -> tuple[str, str, str, object]:
    """number, title, state label, date of an object."""
    if kind == Kind.CASE:
        return obj.number, obj.dispute.summary, obj.get_state_display(), obj.opened_on
    return obj.number, obj.summary, obj.get_state_display(), obj.received_on


def _objects(rows) -> dict:
    found = {}
    for kind, loader in LOADERS.items():
        ids = [r["object_id"] for r in rows if r["kind"] == kind]
        if ids:
            found.update({(kind, o.pk): o for o in loader(ids)})
    return found


def search(*, user, text: str, kind: str | None = None, filters=None, page=1) -> Results:
    """The hits for `text` among what the user may see, best first, one page."""
    expr = q.parse(text)
    filters = clean_filters(filters or {})
    page = _page(page)
    rows, total = engine.run(
        user,
        expr,
        kinds=kinds_for(kind),
        filters=filters,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    words = expr.words()
    labels = dict(Kind.choices)
    objects = _objects(rows)
    hits = []
    for r in rows:
        obj = objects.get((r["kind"], r["object_id"]))
        if obj is None:  # deleted since the statement ran
            continue
        number, title, state, dated = _describe(r["kind"], obj)
        hits.append(
            Hit(
                kind=r["kind"],
                kind_label=str(labels.get(r["kind"], r["kind"])),
                object_id=r["object_id"],
                number=number,
                title=highlight.mark(title, words),
                snippet=highlight.snippet(r["body"], words),
                state=state,
                dated=dated,
                score=float(r["score"] or 0),
                url=reverse(DETAIL_URLS[r["kind"]], args=[r["object_id"]]),
            )
        )
    more = total > engine.COUNT_CAP
    if more:  # "more than 1,000": as many pages as the ranked candidates fill
        total, pages = engine.COUNT_CAP, engine.CANDIDATES // PAGE_SIZE
    else:
        pages = max(1, -(-total // PAGE_SIZE))
    return Results(
        query=text, hits=hits, total=total, page=page, pages=pages, words=words, more=more
    )


def visible_petition(user, pk) -> Petition:
    """The matter `pk` if the user may see it (the lists' visibility), else 404."""
    found = petition_permissions.visible(user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found
