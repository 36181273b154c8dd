"""Running a match against the index, restricted to what the user may see.

One SQL statement finds, ranks and pages the entries; its WHERE holds, for each
kind, "the object is in the user's visible queryset" as a sub-select built by
the lower areas' selectors (petitions' `petition_list` with the lists' filters
and its visibility: scoping, the accusation guard; mediation's `dispute_list`
and `visible(user, "case")`). The count is taken with the same WHERE, so it
never counts what the user may not see.

SQLite: `search_fts MATCH ?` ranked by bm25 (lower is better). PostgreSQL:
`tsv @@ to_tsquery('simple', ?)` ranked by ts_rank, over the GIN index.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from xinfang.core.inputs import optional_id
from xinfang.mediation import permissions as mediation_permissions
from xinfang.mediation import selectors as mediation_selectors
from xinfang.orgs.models import UnitLink
from xinfang.petitions import selectors as petition_selectors

from . import query as q
from .models import Kind

TABLE = "search_searchentry"


def visible_ids(user, kind: str, filters: dict) -> QuerySet:
    """The ids of the objects of `kind` the user may see, with the lists' filters
    (state, unit: the place or responsible unit under it, received from/to; for
    matters also category, channel and colour, as the matter list takes them)."""
    unit = optional_id(filters.get("unit"), "unit")
    below = UnitLink.objects.filter(ancestor_id=unit).values("descendant_id") if unit else None
    start, end = filters.get("date_from"), filters.get("date_to")
    if kind == Kind.PETITION:
        return petition_selectors.petition_list(user=user, filters=filters).order_by().values("pk")
    if kind == Kind.DISPUTE:
        qs, place, day = (
            mediation_selectors.dispute_list(user=user, filters={}),
            "place",
            "received_on",
        )
    else:
        qs, place, day = mediation_permissions.visible(user, "case"), "dispute__place", "opened_on"
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    if below is not None:
        qs = qs.filter(**{f"{place}__in": below})
    if start:
        qs = qs.filter(**{f"{day}__gte": start})
    if end:
        qs = qs.filter(**{f"{day}__lte": end})
    return qs.order_by().values("pk")


def _wheres(user, kinds, filters: dict, match: str) -> list[tuple[str, list]]:
    """One WHERE per kind: the match, the kind, and its visible ids as a
    sub-select. Each kind is its own statement (joined by UNION ALL): in one
    WHERE with OR, PostgreSQL cannot join the sub-select and scans a
    materialised list of the visible matters for every match (a minute for a
    township's handler at 1M)."""
    if connection.vendor == "postgresql":
        matching = "e.tsv @@ to_tsquery('simple', %s)"
    else:
        matching = "search_fts MATCH %s"
    out = []
    for kind in kinds:
        sql, sub = visible_ids(user, kind, filters).query.sql_with_params()
        out.append(
            (f"{matching} AND e.kind = %s AND e.object_id IN ({sql})", [match, str(kind), *sub])
        )
    return out


def _from() -> str:
    if connection.vendor == "postgresql":
        return f"{TABLE} e"
    return f"search_fts JOIN {TABLE} e ON e.id = search_fts.rowid"


def _rank() -> tuple[str, str]:
    """The score expression and its order."""
    if connection.vendor == "postgresql":
        return "ts_rank(e.tsv, to_tsquery('simple', %s))", "score DESC, e.id DESC"
    return "bm25(search_fts)", "score ASC, e.id DESC"


def render(expr: q.Expr) -> str:
    return q.tsquery(expr) if connection.vendor == "postgresql" else q.fts5(expr)


# At most this many matches are ranked (the newest entries), and the count stops
# at COUNT_CAP ("more than 1,000"): a two-word query matching a tenth of a
# million matters would otherwise read and rank every match (seconds at 1M,
# docs/benchmarks.md); nobody pages through more than the first hundreds.
CANDIDATES = 2000
COUNT_CAP = 1000


def run(
    user,
    expr: q.Expr,
    *,
    kinds,
    filters: dict,
    limit: int,
    offset: int = 0,
    count: bool = True,
    candidates: int | None = None,
) -> tuple[list[dict], int]:
    """The page of ranked hits (dicts of the entry's columns and `score`) and the
    number of all hits the user may see, up to COUNT_CAP + 1 (None when
    count=False). The hits are ranked among the `candidates` newest matches."""
    if not expr or not kinds:
        return [], 0
    candidates = candidates or CANDIDATES
    match = render(expr)
    score, order = _rank()
    score_params = [match] if "%s" in score else []
    # The newest `candidates` matches of each kind (PostgreSQL walks the primary
    # key backwards for a common word and takes the GIN index for a rare one),
    # the newest of those, then ranked among themselves.
    newest, params = [], []
    for where, where_params in _wheres(user, kinds, filters, match):
        newest.append(
            f"SELECT * FROM (SELECT e.id, e.kind, e.object_id, e.body, {score} AS score "
            f"FROM {_from()} WHERE {where} ORDER BY e.id DESC LIMIT %s) k"
        )
        params += [*score_params, *where_params, candidates]
    union = " UNION ALL ".join(newest)
    sql = (
        f"SELECT * FROM (SELECT * FROM ({union}) u ORDER BY id DESC LIMIT %s) e "
        f"ORDER BY {order} LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [*params, candidates, limit, offset])
        names = [c[0] for c in cur.description]
        rows = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        total = None
        if count:
            counted, count_params = [], []
            for where, where_params in _wheres(user, kinds, filters, match):
                counted.append(f"SELECT * FROM (SELECT 1 FROM {_from()} WHERE {where} LIMIT %s) k")
                count_params += [*where_params, COUNT_CAP + 1]
            cur.execute(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM ({' UNION ALL '.join(counted)}) u LIMIT %s) c",
                [*count_params, COUNT_CAP + 1],
            )
            total = cur.fetchone()[0]
    return rows, total
