"""The summaries behind the figures: what one matter contributes (its fact), how
the summary follows a matter's change in the matter's own transaction, the full
rebuild, and the reading of sums for a user, a unit and a range of days.

Visibility (docs/indicators.md, "Summaries"): a summary row knows no visibility,
so it is read only where it cannot differ from the matters the user may see:
- matters that are not accusations, when the user's reach covers the unit's
  whole subtree (then every matter of the unit, by place or responsible unit, is
  one the user sees: petitions.permissions.visible_petitions);
- accusations, for such a user, by the keys the accusation guard reads: a row
  whose responsible unit the user reaches and whose accused unit is not one the
  user is inside of (petitions.permissions.accused_inside_ids) holds accusations
  the user sees, but those accusing the user in person, which are read from the
  facts and taken off; the accusations handled outside the user's reach are read
  from the facts of exactly the matters `selectors.scope()` gives (`Guard`);
- the rows by township (`dim` "t") for a unit above the townships, and the
  volumes by channel, purpose, category and unit, whose rows keep the place and
  unit only as their townships, for a unit not below a township.
Everything else (all of a unit the summary cannot answer for) is summed from the
facts of exactly the matters `selectors.scope()` gives the user, so the accused
unit's users never count an accusation.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from xinfang.core.calendar import Clock, deadline_for
from xinfang.orgs import permissions as org_permissions
from xinfang.orgs.models import Level, Unit, UnitKind, UnitLink
from xinfang.petitions.models import Evaluation, Petition, Purpose, Rating, Round, State
from xinfang.petitions.permissions import accused_inside_ids, sees_everything, subtree_ids
from xinfang.petitions.selectors import visible_petitions

from . import selectors
from .models import MEASURES, MatterFact, Summary
from .periods import year_before

GOOD = (Rating.SATISFIED, Rating.BASICALLY_SATISFIED)
DIMS = ("channel", "purpose", "category", "unit")
ROLLUP = "t"  # the rows by township (place_t, unit_t) with every measure
# The volumes of the whole tree (the city's): no place, no unit but an accusation's
# unit's township (the guard reads it).
WHOLE = {dim: "w" + dim for dim in DIMS}
FACT_FIELDS = (
    "pk",
    "received_on",
    "place_id",
    "responsible_unit_id",
    "category_id",
    "channel",
    "purpose",
    "accusation",
    "accused_unit_id",
    "merged_into_id",
    "people_count",
    "collective",
    "cross_level",
    "repeat",
    "forwarded_on",
    "accepted_on",
    "opinion_issued_on",
    "extension_days",
    "state",
    "review_unit_id",
    "review_outside",
    "review_issued_on",
)


# --- the fact of one matter ---------------------------------------------------------


class Tree:
    """The unit tree as the facts need it: the township a unit lies in, and whether
    one unit lies within another. Loaded whole for a rebuild, asked per unit else."""

    def __init__(self, preload: bool = False):
        self._township: dict[int, int] = {}
        self._links: set[tuple[int, int]] | None = None
        self._due: dict = {}
        if preload:
            self._township = dict(_township_links().values_list("descendant_id", "ancestor_id"))
            self._links = set(UnitLink.objects.values_list("ancestor_id", "descendant_id"))
            self._loaded = True
        else:
            self._loaded = False

    def township(self, unit_id: int | None) -> int:
        """The township (territorial) `unit_id` is or lies in; else the unit itself."""
        if not unit_id:
            return 0
        if unit_id not in self._township and not self._loaded:
            found = (
                _township_links()
                .filter(descendant_id=unit_id)
                .values_list("ancestor_id", flat=True)
            )
            self._township[unit_id] = next(iter(found), unit_id)
        return self._township.get(unit_id, unit_id)

    def within(self, ancestor: int, descendant: int) -> bool:
        if self._links is not None:
            return (ancestor, descendant) in self._links
        return UnitLink.objects.filter(ancestor_id=ancestor, descendant_id=descendant).exists()

    def due(self, clock: str, start: dt.date, extension: int = 0) -> dt.date:
        if (clock, start, extension) not in self._due:
            self._due[clock, start, extension] = deadline_for(
                clock, start, extension_days=extension
            ).due
        return self._due[clock, start, extension]


def _township_links():
    return UnitLink.objects.filter(
        ancestor__level=Level.TOWNSHIP, ancestor__kind=UnitKind.TERRITORIAL
    )


def fact_of(row: dict, evals: list[tuple[str, str, str]], tree: Tree) -> MatterFact:
    """The fact of one matter: `row` holds FACT_FIELDS, `evals` its evaluations as
    (round, unit rating, office rating)."""
    answered = row["opinion_issued_on"] is not None
    acc_n = row["accepted_on"] is not None and row["forwarded_on"] is not None
    rep_n = row["purpose"] == Purpose.APPEAL and row["accepted_on"] is not None and answered
    concluded = row["state"] == State.CONCLUDED
    no_review = (
        row["review_unit_id"] is None
        and not row["review_outside"]
        and row["review_issued_on"] is None
    )
    place, unit = row["place_id"], row["responsible_unit_id"]
    place_t = tree.township(place)
    local_n = concluded and unit is not None
    m = {
        "total": 1,
        "grp": int(row["people_count"] >= 5 or row["collective"]),
        "cross_level": int(row["cross_level"]),
        "repeat": int(row["repeat"]),
        "acc_n": int(acc_n),
        "acc_ok": int(acc_n and row["accepted_on"] <= tree.due(Clock.ACCEPT, row["forwarded_on"])),
        "rep_n": int(rep_n),
        "rep_ok": int(
            rep_n
            and row["opinion_issued_on"]
            <= tree.due(Clock.HANDLE, row["accepted_on"], row["extension_days"])
        ),
        "answered": int(answered),
        "evaluated": int(answered and any(r == Round.OPINION for r, _u, _o in evals)),
        "evals": len(evals),
        "evals_unit": sum(1 for _r, u, _o in evals if u in GOOD),
        "evals_office": sum(1 for _r, _u, o in evals if o in GOOD),
        "first_n": int(concluded and answered),
        "first_ok": int(concluded and answered and no_review),
        "local_n": int(local_n),
        "local_ok": int(local_n and no_review and tree.within(place_t, unit)),
    }
    return MatterFact(
        petition_id=row["pk"],
        received_on=row["received_on"],
        place=place,
        unit=unit or 0,
        place_t=place_t,
        unit_t=tree.township(unit),
        category=row["category_id"],
        channel=row["channel"],
        purpose=row["purpose"],
        accusation=row["accusation"],
        accused=(row["accused_unit_id"] or 0) if row["accusation"] else 0,
        counted=row["merged_into_id"] is None,
        **m,
    )


def _evaluations(where: Q) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for pid, r, u, o in Evaluation.objects.filter(where).values_list(
        "petition_id", "round", "unit_rating", "office_rating"
    ):
        out[pid].append((r, u, o))
    return out


def compute_facts(ids, tree: Tree | None = None) -> list[MatterFact]:
    ids = list(ids)
    tree = tree or Tree()
    evals = _evaluations(Q(petition_id__in=ids))
    rows = Petition.objects.filter(pk__in=ids).values(*FACT_FIELDS)
    return [fact_of(r, evals.get(r["pk"], []), tree) for r in rows]


def _facts_between(lo: int, hi: int, tree: Tree) -> list[MatterFact]:
    """The facts of the matters lo <= pk < hi (a rebuild reads by ranges)."""
    evals = _evaluations(Q(petition_id__gte=lo, petition_id__lt=hi))
    rows = Petition.objects.filter(pk__gte=lo, pk__lt=hi).values(*FACT_FIELDS)
    return [fact_of(r, evals.get(r["pk"], []), tree) for r in rows.iterator(chunk_size=5000)]


# --- the summary rows of a fact -----------------------------------------------------


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def contributions(f: MatterFact) -> list[tuple[tuple, dict[str, int]]]:
    """(summary key, measures) for each Summary row the fact adds to; none for a
    matter not counted. The whole tree's volumes (WHOLE) keep no place, and the
    unit's township only for an accusation (the guard reads it)."""
    if not f.counted:
        return []
    out = []
    acc = bool(f.accusation)
    measures = {m: getattr(f, m) for m in MEASURES}
    for grain, start in (("d", f.received_on), ("m", _month(f.received_on))):
        out.append(((grain, start, f.place, f.unit, "", "", acc), measures))
        out.append(((grain, start, f.place_t, f.unit_t, ROLLUP, "", acc), measures))
        for dim in DIMS:
            key = str(getattr(f, dim))
            out.append(((grain, start, f.place_t, f.unit_t, dim, key, acc), {"total": 1}))
            whole = (grain, start, 0, f.unit_t if acc else 0, WHOLE[dim], key, acc)
            out.append((whole, {"total": 1}))
    return out


KEY = ("grain", "start", "place", "unit", "dim", "key", "accusation")


def _apply(deltas: dict[tuple, dict[str, int]]) -> None:
    """Add the deltas to the summary rows in one statement (INSERT … ON CONFLICT DO
    UPDATE: the row is created or its sums moved, atomically under concurrent
    writers), then delete the rows that count nothing any more."""
    deltas = {k: d for k, d in deltas.items() if any(d.values())}
    if not deltas:
        return
    qn = connection.ops.quote_name
    table = qn(Summary._meta.db_table)
    keys = ", ".join(qn(k) for k in KEY)
    cols = ", ".join([keys, *(qn(m) for m in MEASURES)])
    deltas = {_adapt(k): d for k, d in deltas.items()}
    marks = "(" + ", ".join(["%s"] * (len(KEY) + len(MEASURES))) + ")"
    params: list = []
    for key, d in sorted(deltas.items(), key=lambda kv: repr(kv[0])):
        params.extend(key)
        params.extend(d.get(m, 0) for m in MEASURES)
    sets = ", ".join(f"{qn(m)} = {table}.{qn(m)} + EXCLUDED.{qn(m)}" for m in MEASURES)
    shrunk = [k for k, d in deltas.items() if d.get("total", 0) < 0]
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} ({cols}) VALUES {', '.join([marks] * len(deltas))} "
            f"ON CONFLICT ({keys}) DO UPDATE SET {sets}",
            params,
        )
        if shrunk:
            rows = ", ".join(["(" + ", ".join(["%s"] * len(KEY)) + ")"] * len(shrunk))
            cur.execute(
                f"DELETE FROM {table} WHERE total <= 0 AND ({keys}) IN ({rows})",
                [v for k in shrunk for v in k],
            )


def _adapt(key: tuple) -> tuple:
    grain, start, *rest = key
    return (grain, connection.ops.adapt_datefield_value(start), *rest)


def _deltas(before: MatterFact | None, after: MatterFact | None) -> dict[tuple, dict[str, int]]:
    out: dict[tuple, dict[str, int]] = {}
    for fact, sign in ((before, -1), (after, +1)):
        if fact is None:
            continue
        for key, measures in contributions(fact):
            row = out.setdefault(key, {})
            for m, n in measures.items():
                row[m] = row.get(m, 0) + sign * n
    return out


def _same(a: MatterFact, b: MatterFact) -> bool:
    names = [f.attname for f in MatterFact._meta.concrete_fields]
    return all(getattr(a, n) == getattr(b, n) for n in names)


def refresh(petition_ids, tree: Tree | None = None) -> int:
    """Bring the facts and the summary of these matters up to date (in the caller's
    transaction); returns how many facts changed."""
    ids = sorted({int(i) for i in petition_ids})
    if not ids:
        return 0
    changed = 0
    with transaction.atomic():
        old = {f.petition_id: f for f in MatterFact.objects.select_for_update().filter(pk__in=ids)}
        new = {f.petition_id: f for f in compute_facts(ids, tree)}
        for pid in ids:
            before, after = old.get(pid), new.get(pid)
            if before is not None and after is not None and _same(before, after):
                continue
            changed += 1
            _apply(_deltas(before, after))
            if after is not None:
                after.save()
            else:
                MatterFact.objects.filter(pk=pid).delete()
    return changed


def forget(petition_id: int) -> None:
    """Take a matter that is being deleted out of the summary (its fact goes with it)."""
    with transaction.atomic():
        fact = MatterFact.objects.select_for_update().filter(pk=petition_id).first()
        if fact is not None:
            _apply(_deltas(fact, None))
            fact.delete()


# --- the full rebuild ---------------------------------------------------------------


def rebuild(batch: int = 20000, progress=None) -> dict[str, int]:
    """Every fact recomputed from the matters and every summary row from the facts,
    in one transaction (readers see the old figures until it commits)."""
    tree = Tree(preload=True)
    with transaction.atomic():
        MatterFact.objects.all().delete()
        Summary.objects.all().delete()
        first = Petition.objects.order_by("pk").values_list("pk", flat=True).first() or 0
        last = Petition.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for lo in range(first, last + 1, batch):
            MatterFact.objects.bulk_create(_facts_between(lo, lo + batch, tree), 5000)
            if progress:
                progress(min(lo + batch, last + 1) - first, last + 1 - first)
        summarize_facts()
    return {"facts": MatterFact.objects.count(), "summary_rows": Summary.objects.count()}


def tick(hours: int = 24) -> dict[str, int]:
    """The periodic repair: a full rebuild when some matter has no fact (or a fact
    has no matter); else the facts of the matters changed in the last `hours`
    re-derived (a change the signals missed is put right)."""
    from django.utils import timezone

    if MatterFact.objects.count() != Petition.objects.count():
        rebuild()
        return {"rebuilt": 1, "checked": 0, "repaired": 0}
    since = timezone.now() - dt.timedelta(hours=hours)
    ids = list(Petition.objects.filter(updated_at__gte=since).values_list("pk", flat=True))
    tree = Tree(preload=True)
    repaired = sum(refresh(ids[i : i + 1000], tree) for i in range(0, len(ids), 1000))
    return {"rebuilt": 0, "checked": len(ids), "repaired": repaired}


def _month_sql(col: str) -> str:
    if connection.vendor == "postgresql":
        return f"date_trunc('month', {col})::date"
    return f"date({col}, 'start of month')"


def summarize_facts() -> None:
    """The Summary rows, summed from the counted facts (contributions(), in SQL)."""
    fact, summary = MatterFact._meta.db_table, Summary._meta.db_table
    ms = ", ".join(MEASURES)
    sums = ", ".join(f"SUM({m})" for m in MEASURES)
    zero = ", ".join("0" for _m in MEASURES[1:])
    where = "counted" if connection.vendor == "postgresql" else "counted = 1"
    cols = f"grain, start, place, unit, dim, key, accusation, {ms}"
    whole_unit = "CASE WHEN accusation THEN unit_t ELSE 0 END"
    with connection.cursor() as cur:
        for grain, day in (("d", "received_on"), ("m", _month_sql("received_on"))):
            for dim, place, unit in (("", "place", "unit"), (ROLLUP, "place_t", "unit_t")):
                cur.execute(
                    f"INSERT INTO {summary} ({cols}) "
                    f"SELECT '{grain}', {day}, {place}, {unit}, '{dim}', '', accusation, {sums} "
                    f"FROM {fact} WHERE {where} GROUP BY {day}, {place}, {unit}, accusation"
                )
            for dim in DIMS:
                key = f"CAST({dim} AS VARCHAR(20))" if dim in ("category", "unit") else dim
                for name, place, unit in (
                    (dim, "place_t", "unit_t"),
                    (WHOLE[dim], "0", whole_unit),
                ):
                    # (the whole tree's rows: no place to group by)
                    groups = f"{unit}, " if place == "0" else f"{place}, {unit}, "
                    cur.execute(
                        f"INSERT INTO {summary} ({cols}) "
                        f"SELECT '{grain}', {day}, {place}, {unit}, '{name}', {key}, accusation, "
                        f"COUNT(*), {zero} FROM {fact} WHERE {where} "
                        f"GROUP BY {day}, {groups}{key}, accusation"
                    )


def summary_rows() -> dict[tuple, dict[str, int]]:
    """The summary as {key: measures} (rows that count something), for comparisons."""
    return {
        tuple(r[k] for k in KEY): {m: r[m] for m in MEASURES if r[m]}
        for r in Summary.objects.filter(total__gt=0).values(*KEY, *MEASURES)
    }


def recount() -> dict[tuple, dict[str, int]]:
    """The summary as a full recount from the matters would make it (nothing stored)."""
    tree = Tree(preload=True)
    out: dict[tuple, dict[str, int]] = {}
    ids = list(Petition.objects.values_list("pk", flat=True))
    for f in compute_facts(ids, tree):
        for key, measures in contributions(f):
            row = out.setdefault(key, {})
            for m, n in measures.items():
                if n:
                    row[m] = row.get(m, 0) + n
    return out


# --- reading ------------------------------------------------------------------------


@dataclass
class Sums:
    """Summed measures by (day or None, place, unit), and counts by (day or None,
    dimension, key); `day` is kept only when asked for (the hotspots' weeks, read
    by place: then the unit of a row read from the summary is 0)."""

    core: dict[tuple, list[int]] = field(default_factory=lambda: defaultdict(_zeros))
    dims: dict[tuple, int] = field(default_factory=lambda: defaultdict(int))

    def add_core(self, key: tuple, values) -> None:
        row = self.core[key]
        for i, v in enumerate(values):
            row[i] += v or 0

    def totals(self, keep=None) -> dict[str, int]:
        """The measures summed over the rows (those `keep(place, unit)` accepts)."""
        out = [0] * len(MEASURES)
        for (_day, place, unit), row in self.core.items():
            if keep is None or keep(place, unit):
                for i, v in enumerate(row):
                    out[i] += v
        return dict(zip(MEASURES, out, strict=True))

    def totals_by(self, owner: dict[int, int]) -> dict[int, dict[str, int]]:
        """The measures summed per group in one pass: `owner` maps a unit id to
        its group (a ranked unit: the units under it); a row counts once for each
        group its place or its unit is in (as `totals(keep)` with keep "place in
        the group or unit in the group")."""
        sums: dict[int, list[int]] = {}
        for (_day, place, unit), row in self.core.items():
            groups = {owner.get(place), owner.get(unit)}
            groups.discard(None)
            for g in groups:
                out = sums.setdefault(g, [0] * len(MEASURES))
                for i, v in enumerate(row):
                    out[i] += v
        return {g: dict(zip(MEASURES, out, strict=True)) for g, out in sums.items()}


def _zeros() -> list[int]:
    return [0] * len(MEASURES)


def _ranges(start: dt.date, end: dt.date) -> Q:
    """The summary rows of the days start..end: whole months at month grain, the
    days before the first and after the last whole month at day grain."""
    first = _month(start) if start.day == 1 else _next_month(_month(start))
    after = _month(end + dt.timedelta(days=1))  # first day of the month after the last whole
    if first >= after:
        return Q(grain="d", start__gte=start, start__lte=end)
    q = Q(grain="m", start__gte=first, start__lt=after)
    if start < first:
        q |= Q(grain="d", start__gte=start, start__lt=first)
    if after <= end:
        q |= Q(grain="d", start__gte=after, start__lte=end)
    return q


def _next_month(first: dt.date) -> dt.date:
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def covers(user, unit_id: int) -> bool:
    """Does the user's reach cover the unit's whole subtree (so that every matter of
    the unit that is not an accusation is one they see)?"""
    return sees_everything(user) or unit_id in subtree_ids(user)


def below_township(unit_id: int) -> bool:
    return _township_links().filter(descendant_id=unit_id, distance__gt=0).exists()


def above_townships(unit_id: int) -> bool:
    """Neither a township nor below one: its figures may be read by township (a
    unit below it lies in the same one of its children as its township does)."""
    return not _township_links().filter(descendant_id=unit_id).exists()


@dataclass(frozen=True)
class Guard:
    """The accusation guard as the summary rows can be read for a user: the units
    their reach covers (`reach`) and those they are inside of (`inside`: an
    accusation against one of them is never theirs to count). `everything`: a
    superuser, who sees every accusation."""

    everything: bool
    reach: tuple[int, ...] = ()
    inside: tuple[int, ...] = ()
    outside: tuple[int, ...] = ()  # the units not reached, and 0 (no unit yet)

    def reached(self) -> Q:
        """Rows (or facts: the same field names) of a responsible unit reached."""
        # The shorter list of the two (the city's leader reaches every unit).
        if len(self.reach) <= len(self.outside):
            return Q(unit__in=self.reach)
        return ~Q(unit__in=self.outside)

    def rows(self) -> Q:
        """The summary rows whose matters the user sees but for the accusations
        against them (their units or them in person: read from the facts and
        taken off, `_gather`)."""
        if self.everything:
            return Q()
        return Q(accusation=False) | (Q(accusation=True) & self.reached())


def guard(user) -> Guard | None:
    """The guard for a user whose reach covers whole townships (for every unit they
    reach, they reach its township too, so that a row by township holds only
    responsible units they reach or only ones they do not); None else, and then
    accusations are read from the facts only."""
    if sees_everything(user):
        return Guard(everything=True)
    reach = subtree_ids(user)
    memo = user.__dict__.setdefault("_xinfang_analytics_closed", {})
    key = tuple(reach)
    if key not in memo and org_permissions.every_unit(user, reach):
        memo[key] = (0,)  # every township reached, no unit outside
    if key not in memo:
        towns = set(
            _township_links().filter(descendant_id__in=reach).values_list("ancestor_id", flat=True)
        )
        outside = Unit.objects.exclude(pk__in=reach).values_list("pk", flat=True)
        memo[key] = (0, *outside) if towns <= set(reach) else None
    if memo[key] is None:
        return None
    return Guard(False, key, tuple(accused_inside_ids(user)), memo[key])


def gather(
    user, unit, start: dt.date, end: dt.date, *, by_day=False, dims=True, exact=False
) -> Sums:
    """The sums of the matters `selectors.scope(user, unit, start, end)` gives;
    `dims`: the volume dimensions to count too (True: all of DIMS; a tuple: those,
    e.g. the hotspots' categories by day); `exact`: every one from the facts of
    those very matters (no summary row). Kept on the user object for the
    request: the dashboard's figures and its league table read the same sums."""
    wanted = frozenset(DIMS if dims is True else dims or ())
    memo = user.__dict__.setdefault("_xinfang_analytics_sums", {})
    key = (unit.pk, start, end, by_day, exact)
    found = memo.get(key)
    if found is not None and wanted <= found[0]:
        return found[1]
    sums = _gather(user, unit, start, end, by_day=by_day, dims=wanted, exact=exact)
    memo[key] = (wanted, sums)
    return sums


F = "analytics_fact__"


def _add_facts(sums: Sums, facts, prefix: str, *, by_day, dims, rolled, sign=1) -> None:
    """Add (sign -1: take off) the grouped facts of a queryset (`prefix`: the path
    from its model to MatterFact) to the sums, keyed as the summary rows read."""
    _add_rows(
        sums, _fact_rows(facts, prefix, by_day), by_day=by_day, dims=dims, rolled=rolled, sign=sign
    )


_KEYS = ("place", "unit", "place_t", "unit_t", "category", "channel", "purpose")


def _fact_rows(facts, prefix: str, by_day: bool) -> list[tuple]:
    """The facts' measures summed by (day or None, *_KEYS)."""
    group = [prefix + g for g in _KEYS]
    if by_day:
        group.insert(0, f"{prefix}received_on")
    aggregates = [Sum(prefix + m) for m in MEASURES]
    rows = facts.order_by().values_list(*group).annotate(*aggregates)
    return [r if by_day else (None, *r) for r in rows]


def _add_rows(sums: Sums, rows, *, by_day, dims, rolled, sign=1, start=None, end=None) -> None:
    """Add the rows of `_fact_rows` (those of the days start..end when given)."""
    for r in rows:
        day = r[0]
        if start is not None and not start <= day <= end:
            continue
        place, unit_id, place_t, unit_t, category, channel, purpose = r[1:8]
        values = [sign * (v or 0) for v in r[8:]]
        if not by_day:
            day = None
        sums.add_core((day, place_t, unit_t) if rolled else (day, place, unit_id), values)
        if dims:
            n = values[0]
            for dim, key in (
                ("category", str(category)),
                ("channel", channel),
                ("purpose", purpose),
                ("unit", str(unit_id)),
            ):
                if dim in dims:
                    sums.dims[day, dim, key] += n


def _gather(user, unit, start: dt.date, end: dt.date, *, by_day, dims, exact) -> Sums:
    if connection.vendor == "postgresql":
        # Short grouped reads: compiling them (JIT) took longer than running them,
        # and parallel plans started workers to scan what one index reads. The
        # facts' reads join the matters by primary key only (a few thousand
        # candidates from the facts' indexes): when the planner guessed a few
        # thousand more, it hashed all 1,000,000 matters instead (330 ms against 4).
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(
                    "SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0;"
                    " SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off"
                )
            return _gather_rows(user, unit, start, end, by_day=by_day, dims=dims, exact=exact)
    return _gather_rows(user, unit, start, end, by_day=by_day, dims=dims, exact=exact)


def _gather_rows(user, unit, start: dt.date, end: dt.date, *, by_day, dims, exact) -> Sums:
    sums = Sums()
    ids = selectors.subtree(unit)
    whole = covers(user, unit.pk) and not exact
    rules = guard(user) if whole else None
    rows_q = rules.rows() if rules is not None else Q(accusation=False)
    # By township for a unit above the townships (fewer rows: the city's figures).
    rolled = rules is not None and above_townships(unit.pk)
    dims_too = dims and whole and not below_township(unit.pk)
    days = Q(grain="d", start__gte=start, start__lte=end) if by_day else _ranges(start, end)
    # The whole tree (the city): every matter is of the unit.
    everywhere = org_permissions.every_unit(user, ids)
    in_unit = Q() if everywhere else Q(place__in=ids) | Q(unit__in=ids)
    if whole:
        rows = Summary.objects.filter(days, in_unit, rows_q, dim=ROLLUP if rolled else "")
        if by_day:
            # By day only the hotspots read (by place): the rows by day and place,
            # their unit 0 (the units' days would be thousands of rows for the city).
            group = ["start", "place"]
            for r in rows.values_list(*group).annotate(*[Sum(m) for m in MEASURES]).order_by():
                sums.add_core((r[0], r[1], 0), r[2:])
        else:
            group = ["place", "unit"]
            for r in rows.values_list(*group).annotate(*[Sum(m) for m in MEASURES]).order_by():
                sums.add_core((None, r[0], r[1]), r[2:])
        if dims_too and everywhere and rules is not None:
            rows = Summary.objects.filter(days, rows_q, dim__in=[WHOLE[d] for d in sorted(dims)])
            group = ["start", "dim", "key"] if by_day else ["dim", "key"]
            for r in rows.values_list(*group).annotate(Sum("total")).order_by():
                day = r[0] if by_day else None
                sums.dims[day, r[-3][1:], r[-2]] += r[-1]
        elif dims_too:
            rows = Summary.objects.filter(days, in_unit, rows_q, dim__in=sorted(dims))
            group = ["start", "dim", "key"] if by_day else ["dim", "key"]
            for r in rows.values_list(*group).annotate(Sum("total")).order_by():
                day = r[0] if by_day else None
                sums.dims[day, r[-3], r[-2]] += r[-1]
        elif dims:
            # Below a township the volumes come from the facts the rows summed.
            rest = MatterFact.objects.filter(
                rows_q, in_unit, counted=True, received_on__gte=start, received_on__lte=end
            )
            for dim in sorted(dims):
                g = ["received_on", dim] if by_day else [dim]
                for r in rest.values_list(*g).annotate(n=Count("pk")).order_by():
                    day = r[0] if by_day else None
                    sums.dims[day, dim, str(r[-2])] += r[-1]
    period = {f"{F}counted": True, f"{F}received_on__gte": start, f"{F}received_on__lte": end}
    kw = {"by_day": by_day, "dims": dims, "rolled": rolled}
    if not whole:
        # Every matter of the scope from its fact: PostgreSQL starts from the
        # facts' date index and checks each matter's visibility by primary key.
        scope = selectors.scope(user, unit, start, end)
        _add_facts(sums, scope.filter(**period), F, **kw)
    elif rules is None:
        scope = selectors.scope(user, unit, start, end)
        _add_facts(
            sums,
            scope.filter(accusation=True, **period).filter(**{f"{F}accusation": True}),
            F,
            **kw,
        )
    elif not rules.everything:
        places = Q() if everywhere else Q(place__in=ids)
        _accusation_exceptions(sums, user, unit.pk, rules, in_unit, places, start, end, kw)
    return sums


def _accusation_exceptions(
    sums: Sums, user, unit_id: int, rules: Guard, in_unit: Q, places: Q, start, end, kw
) -> None:
    """What the rows (every accusation of a responsible unit the user reaches)
    cannot know, from the facts, for a user the guard lets read them. Read by day
    for the period and the year before it (the dashboard reads the year, the same
    days a year before and the hotspots' weeks: one reading), kept on the user
    object for the request."""
    memo = user.__dict__.setdefault("_xinfang_analytics_exceptions", {})
    key = (unit_id, rules)
    found = memo.get(key)
    if found is None or not (found[0] <= start and end <= found[1]):
        span = (year_before(start), end)
        memo[key] = found = (*span, *_exception_rows(user, rules, in_unit, places, *span))
    _span_start, _span_end, seen, against = found
    _add_rows(sums, seen, **kw, start=start, end=end)
    _add_rows(sums, against, **kw, sign=-1, start=start, end=end)


def _exception_rows(user, rules: Guard, in_unit: Q, places: Q, start, end):
    accusations = MatterFact.objects.filter(
        accusation=True, counted=True, received_on__gte=start, received_on__lte=end
    )
    facts = accusations.filter(in_unit)
    # The accusations handled outside the user's reach (or not yet sent to a
    # unit): those the guard lets them see. Found through the accusations' partial
    # indexes on the facts (by responsible unit or place, and day; the index
    # alone), then checked one by one against the guard by primary key (their
    # fact already says they are of the unit and the period, and counted).
    # (A unit outside the reach is outside the unit's subtree, which the user
    # reaches: such an accusation is of the unit by its place.)
    outside = accusations.filter(places, unit__in=rules.outside)
    seen = visible_petitions(user).filter(pk__in=outside.values("petition_id"), accusation=True)
    # The rows counted the accusations against the user's own units (or those
    # above) and against the user in person: taken off.
    # (Two statements: one OR across the join read every matter.)
    reached = facts.filter(rules.reached())
    against_units = reached.filter(accused__in=rules.inside)
    against_user = reached.exclude(accused__in=rules.inside).filter(petition__accused_user=user)
    against = _fact_rows(against_units, "", True) + _fact_rows(against_user, "", True)
    return _fact_rows(seen, F, True), against


def totals_of(qs) -> dict[str, int]:
    """The measures summed over exactly the matters of `qs` (their facts)."""
    agg = MatterFact.objects.filter(petition__in=qs.values("pk")).aggregate(
        **{m: Sum(m) for m in MEASURES}
    )
    return {m: agg[m] or 0 for m in MEASURES}
