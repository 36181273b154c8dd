"""Running a match against the index, restricted to what the user may see.

A search takes, for each kind, the newest matches the user may see: the entries
that match (the full-text index), cut first by the entry's reach units (a
matter's `units`, see below), newest first, each checked against the user's
visible queryset, built by the lower areas' selectors (petitions'
`petition_list` with the lists' filters and its visibility: scoping, the
accusation guard; mediation's `dispute_list` and `visible(user, "case")`) as a
sub-select: that sub-select decides, always. Of those the CANDIDATES newest are
scored and ranked; the page's bodies are read for its hits only. The count is of
the same visible candidates, so it never counts what the user may not see.

The reach cut: a matter's entry keeps its reach units (petitions.permissions.
reach_unit_ids), and a user's visible matters all have one of the user's reach
keys among them (reach_keys), so "units meet keys" is a superset of visibility,
read from the entry's own GIN index (PostgreSQL) instead of joining every match
to the hundred thousand matters a township sees. Users whose keys keep too
large a share of the entries to gain from it (REACH_CUT_SHARE: the city's
dispatcher, whose office received every matter) are not cut; they search the
newest entries first (WINDOWS).

SQLite: `search_fts MATCH ?` ranked by bm25 (lower is better). PostgreSQL:
`tsv @@ to_tsquery('simple', ?)` ranked by ts_rank, over the GIN index.
Timings at 1M matters: docs/benchmarks.md.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import QuerySet

from xinfang.core.inputs import optional_id
from xinfang.mediation import permissions as mediation_permissions
from xinfang.mediation import selectors as mediation_selectors
from xinfang.orgs.models import UnitLink
from xinfang.petitions import permissions as petition_permissions
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


@dataclass
class Source:
    """One kind's part of a search: the entries that match (and pass the reach
    cut), and the ids of the objects the user may see (a sub-select)."""

    where: str
    params: list
    visible: str
    visible_params: list
    cut: bool = False


def _sources(user, kinds, filters: dict, match: str) -> list[Source]:
    """One Source per kind. Each kind is its own statement (joined by UNION ALL):
    in one WHERE with OR, PostgreSQL cannot join the sub-select and scans a
    materialised list of the visible matters for every match (a minute for a
    township's handler at 1M)."""
    if connection.vendor == "postgresql":
        matching = "e.tsv @@ to_tsquery('simple', %s)"
    else:
        matching = "search_fts MATCH %s"
    out = []
    for kind in kinds:
        sql, sub = visible_ids(user, kind, filters).query.sql_with_params()
        source = Source(f"{matching} AND e.kind = %s", [match, str(kind)], sql, list(sub))
        if kind == Kind.PETITION:
            cut, cut_params = _reach_cut(user)
            if cut:
                source.where += cut
                source.params += cut_params
                source.cut = True
        out.append(source)
    return out


# A user whose reach keys select more than this share of the entries is not cut
# by them: the city's dispatcher (his office received every matter) would read
# every match through the cut; he searches the newest entries first instead.
REACH_CUT_SHARE = 0.25


def _reach_cut(user) -> tuple[str, list]:
    """The first cut of a matter's visibility, from the entry itself: one of its
    reach units is one of the user's reach keys (petitions.permissions). A
    superset of what the user may see: the visible-ids sub-select still decides.
    The same on SQLite (json_each), so a reach unit not kept up to date shows in
    the tests on both databases; PostgreSQL cuts only a user who sees a small
    share (the planner's estimate of the cut, from the column's statistics)."""
    keys = petition_permissions.reach_keys(user)
    if keys is None:
        return "", []
    keys = [str(k) for k in keys]
    if connection.vendor == "postgresql":
        if keys and _share(keys) > REACH_CUT_SHARE:
            return "", []
        return " AND e.units ?| %s", [keys]
    if not keys:
        return " AND 0", []
    marks = ", ".join(["%s"] * len(keys))
    return f" AND EXISTS (SELECT 1 FROM json_each(e.units) WHERE value IN ({marks}))", keys


def _share(keys: list[str]) -> float:
    """The planner's estimate of the share of entries the cut by `keys` keeps
    (EXPLAIN: no rows are read)."""

    def estimate(sql, params) -> float:
        with connection.cursor() as cur:
            cur.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cur.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return float(plan[0]["Plan"]["Plan Rows"])

    every = estimate(f"SELECT 1 FROM {TABLE}", [])
    return estimate(f"SELECT 1 FROM {TABLE} e WHERE e.units ?| %s", [keys]) / max(every, 1.0)


def _from() -> str:
    if connection.vendor == "postgresql":
        return f"{TABLE} e"
    return f"search_fts JOIN {TABLE} e ON e.id = search_fts.rowid"


def _rank() -> str:
    """The score expression: ts_rank (higher is better) or bm25 (lower is better)."""
    if connection.vendor == "postgresql":
        return "ts_rank(e.tsv, to_tsquery('simple', %s))"
    return "bm25(search_fts)"


def render(expr: q.Expr) -> str:
    return q.tsquery(expr) if connection.vendor == "postgresql" else q.fts5(expr)


# At most this many matches are ranked (the newest entries), and the count stops
# at COUNT_CAP ("more than 1,000"): a two-word query matching a tenth of a
# million matters would otherwise read and rank every match (seconds at 1M,
# docs/benchmarks.md); nobody pages through more than the first hundreds.
CANDIDATES = 2000
COUNT_CAP = 1000
# Without the reach cut, the newest entries are searched first: the matches
# among the newest WINDOWS[0] entries, then all. A common word fills the
# candidates in the first window, so PostgreSQL reads the matches of that window
# only (its ids from the primary key, ANDed with the GIN bitmap), not the 83k of
# the whole index; a word that does not has fewer matches to read when all are
# searched. (A second window of 400k cost more in its primary-key bitmap, ~35 ms,
# than it saved at 1M.) When the matters are cut, one pass (_floors).
WINDOWS = (100_000,)
# The search statement's settings on PostgreSQL (SET LOCAL): under the default
# 4 MB of work_mem the GIN bitmap of a common word turns lossy and every row on
# its pages is read again to recheck the match; no parallel workers and no JIT:
# the statement reads a few thousand rows, and starting workers or compiling
# took longer than that (at 1M: 40 ms of an 85 ms statement for workers, 50 ms
# of 90 for JIT, whose threshold the planner's cost estimate passes).
SETTINGS = {"work_mem": "32MB", "max_parallel_workers_per_gather": "0", "jit": "off"}


@contextmanager
def _statement():
    """A cursor for the search's statements: on PostgreSQL in a transaction with
    SETTINGS (SET LOCAL ends with it). Not on SQLite, whose transactions here
    take the write lock (IMMEDIATE) and which needs no such setting."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cur:
            yield cur
        return
    with transaction.atomic(), connection.cursor() as cur:
        for name, value in SETTINGS.items():
            cur.execute(f"SET LOCAL {name} = '{value}'")
        yield cur


def _floors(cur, sources: list[Source]) -> list[int | None]:
    """The lowest entry id of each window, newest window first; None: all. No
    windows when the matters are cut (the cut matches are few; the disputes and
    cases beside them are far fewer than matters): a window would make the
    common case two passes over the GIN index."""
    if any(s.cut for s in sources):
        return [None]
    cur.execute(f"SELECT MAX(id) FROM {TABLE}")
    top = cur.fetchone()[0] or 0
    return [top - size for size in WINDOWS if size < top] + [None]


def _newest(source: Source, floor: int | None) -> tuple[str, list]:
    """The ids of the kind's newest matches the user may see (above `floor`), as
    many as the LIMIT (its parameter added by the caller). The matches are sorted
    before the visible-ids sub-select is asked (a fence: OFFSET 0), so PostgreSQL
    asks it of the newest ones, one by one, until it has enough, instead of
    joining all of them."""
    where, params = source.where, list(source.params)
    if floor is not None:
        where += " AND e.id > %s"
        params.append(floor)
    fence = "OFFSET 0" if connection.vendor == "postgresql" else "LIMIT -1 OFFSET 0"
    sql = (
        f"SELECT c.id FROM (SELECT e.id, e.object_id FROM {_from()} WHERE {where} "
        f"ORDER BY e.id DESC {fence}) c "
        f"WHERE c.object_id IN ({source.visible}) ORDER BY c.id DESC LIMIT %s"
    )
    return sql, [*params, *source.visible_params]


def _candidates(cur, sources, match: str, candidates: int, floor: int | None) -> list[dict]:
    """The `candidates` newest matches the user may see (above `floor`), each with
    its score: the newest of each kind, the newest of those, then scored (each
    one's tsvector read for those only, not for every match)."""
    newest, params = [], []
    for source in sources:
        sql, source_params = _newest(source, floor)
        newest.append(f"SELECT * FROM ({sql}) k")
        params += [*source_params, candidates]
    union = " UNION ALL ".join(newest)
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT e.id, e.kind, e.object_id, {_rank()} AS score "
            f"FROM (SELECT id FROM ({union}) u ORDER BY id DESC LIMIT %s) c "
            f"JOIN {TABLE} e ON e.id = c.id"
        )
    else:
        # bm25() is only known in a query of the FTS5 table that matches.
        sql = (
            f"SELECT e.id, e.kind, e.object_id, {_rank()} AS score FROM {_from()} "
            f"WHERE search_fts MATCH %s AND e.id IN "
            f"(SELECT id FROM ({union}) u ORDER BY id DESC LIMIT %s)"
        )
    cur.execute(sql, [match, *params, candidates])
    names = [c[0] for c in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _count(cur, sources) -> int:
    """How many matches the user may see, up to COUNT_CAP + 1."""
    counted, params = [], []
    for s in sources:
        counted.append(
            f"SELECT * FROM (SELECT 1 FROM {_from()} WHERE {s.where} "
            f"AND e.object_id IN ({s.visible}) LIMIT %s) k"
        )
        params += [*s.params, *s.visible_params, COUNT_CAP + 1]
    cur.execute(
        f"SELECT COUNT(*) FROM (SELECT 1 FROM ({' UNION ALL '.join(counted)}) u LIMIT %s) c",
        [*params, COUNT_CAP + 1],
    )
    return cur.fetchone()[0]


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
    """The page of ranked hits (dicts of the entry's id, kind, object_id, body and
    `score`) and the number of all hits the user may see, up to COUNT_CAP + 1
    (None when count=False). The hits are ranked among the `candidates` newest
    matches."""
    if not expr or not kinds:
        return [], 0
    candidates = candidates or CANDIDATES
    match = render(expr)
    sources = _sources(user, kinds, filters, match)
    with _statement() as cur:
        for floor in _floors(cur, sources):
            found = _candidates(cur, sources, match, candidates, floor)
            # Enough in this window: the newest candidates of all are these.
            if len(found) >= candidates:
                break
        # Best first (ts_rank: higher; bm25: lower), then the newest.
        sign = -1 if connection.vendor == "postgresql" else 1
        found.sort(key=lambda r: (sign * float(r["score"] or 0), -r["id"]))
        rows = found[offset : offset + limit]
        if rows:
            marks = ", ".join(["%s"] * len(rows))
            cur.execute(
                f"SELECT id, body FROM {TABLE} WHERE id IN ({marks})", [r["id"] for r in rows]
            )
            bodies = dict(cur.fetchall())
            for r in rows:
                r["body"] = bodies.get(r["id"], "")
        total = None
        if count:
            # The candidates hold every visible match when they are fewer than
            # asked for, and more than the cap otherwise: no second count.
            total = (
                min(len(found), COUNT_CAP + 1) if candidates > COUNT_CAP else _count(cur, sources)
            )
    return rows, total
