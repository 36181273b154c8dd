"""The reading of sums for a user, a unit and a range of days (`gather`), and
the accusation guard it reads the summary rows through (`Guard`, `guard`); the
rules of what may be read from the rows are the package's docstring."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from xinfang.orgs import permissions as org_permissions
from xinfang.orgs.models import Unit
from xinfang.petitions.permissions import accused_inside_ids, sees_everything, subtree_ids
from xinfang.petitions.selectors import visible_petitions

from .. import selectors
from ..models import MEASURES, MatterFact, Summary
from ..periods import year_before
from .facts import DIMS, ROLLUP, WHOLE, drain_if_marked, month_start, township_links


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
    first = month_start(start) if start.day == 1 else _next_month(month_start(start))
    after = month_start(end + dt.timedelta(days=1))  # first day of the month after the last whole
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
    return township_links().filter(descendant_id=unit_id, distance__gt=0).exists()


def above_townships(unit_id: int) -> bool:
    """Neither a township nor below one: its figures may be read by township (a
    unit below it lies in the same one of its children as its township does)."""
    return not township_links().filter(descendant_id=unit_id).exists()


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
            township_links().filter(descendant_id__in=reach).values_list("ancestor_id", flat=True)
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
    drain_if_marked()  # the matters saved since are counted before anything is read
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
    drain_if_marked()
    agg = MatterFact.objects.filter(petition__in=qs.values("pk")).aggregate(
        **{m: Sum(m) for m in MEASURES}
    )
    return {m: agg[m] or 0 for m in MEASURES}
