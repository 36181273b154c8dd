"""The summaries' facts and rows: what one matter contributes (its fact), how the
summary follows a matter's change (marked in the matter's transaction, worked
off by `drain`), the full rebuild, the tick's repair and the recount the tests
compare with (the reading is `reading.py`)."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from xinfang.core.calendar import Clock, deadline_for
from xinfang.orgs.models import Level, UnitKind, UnitLink
from xinfang.petitions.models import Evaluation, Petition, Purpose, Rating, Round, State

from ..models import MEASURES, MatterFact, StaleFact, Summary

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
            self._township = dict(township_links().values_list("descendant_id", "ancestor_id"))
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
                township_links().filter(descendant_id=unit_id).values_list("ancestor_id", flat=True)
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


def township_links():
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


def month_start(day: dt.date) -> dt.date:
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
    for grain, start in (("d", f.received_on), ("m", month_start(f.received_on))):
        out.append(((grain, start, f.place, f.unit, "", "", acc), measures))
        out.append(((grain, start, f.place_t, f.unit_t, ROLLUP, "", acc), measures))
        for dim in DIMS:
            key = str(getattr(f, dim))
            out.append(((grain, start, f.place_t, f.unit_t, dim, key, acc), {"total": 1}))
            whole = (grain, start, 0, f.unit_t if acc else 0, WHOLE[dim], key, acc)
            out.append((whole, {"total": 1}))
    return out


KEY = ("grain", "start", "place", "unit", "dim", "key", "accusation")
# PostgreSQL: the key's and the measures' columns as arrays (_apply).
_KEY_ARRAYS = "%s::text[], %s::date[], %s::int[], %s::int[], %s::text[], %s::text[], %s::bool[]"
_ARRAYS = _KEY_ARRAYS + ", %s::int[]" * len(MEASURES)


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
    width = len(KEY) + len(MEASURES)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # One array per column (unnest keeps their order): the statement's
            # text is the same for any number of rows, so psycopg converts it once
            # (a VALUES list of ~600 placeholders was parsed again every time).
            columns = [params[i::width] for i in range(width)]
            cur.execute(
                f"INSERT INTO {table} ({cols}) SELECT * FROM unnest({_ARRAYS}) "
                f"ON CONFLICT ({keys}) DO UPDATE SET {sets}",
                columns,
            )
            if shrunk:
                cur.execute(
                    f"DELETE FROM {table} WHERE total <= 0 AND ({keys}) IN "
                    f"(SELECT * FROM unnest({_KEY_ARRAYS}))",
                    [[k[i] for k in shrunk] for i in range(len(KEY))],
                )
            return
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
    transaction); returns how many facts changed. The summary rows are moved by
    the sum of the matters' changes, in one statement."""
    ids = sorted({int(i) for i in petition_ids})
    if not ids:
        return 0
    changed = 0
    deltas: dict[tuple, dict[str, int]] = {}
    with transaction.atomic():
        old = {f.petition_id: f for f in MatterFact.objects.select_for_update().filter(pk__in=ids)}
        new = {f.petition_id: f for f in compute_facts(ids, tree)}
        inserts, updates, gone = [], [], []
        for pid in ids:
            before, after = old.get(pid), new.get(pid)
            if before is not None and after is not None and _same(before, after):
                continue
            changed += 1
            for key, d in _deltas(before, after).items():
                row = deltas.setdefault(key, {})
                for m, n in d.items():
                    row[m] = row.get(m, 0) + n
            if after is None:
                gone.append(pid)
            elif before is None:
                inserts.append(after)  # a new matter's fact: an INSERT, not an UPDATE first
            else:
                updates.append(after)
        _apply(deltas)
        if gone:
            MatterFact.objects.filter(pk__in=gone).delete()
        if inserts:
            MatterFact.objects.bulk_create(inserts)
        for fact in updates:
            fact.save(force_update=True)
    return changed


# --- the marks of matters to count again ----------------------------------------------


def mark(petition_ids) -> None:
    """Mark these matters' facts as to be brought up to date (in the caller's
    transaction). A mark that a drain holds makes this wait for it to end, so
    that the drain cannot take away a mark newer than what it counted."""
    StaleFact.objects.bulk_create(
        [StaleFact(petition_id=int(pk)) for pk in sorted(set(petition_ids))],
        update_conflicts=True,
        unique_fields=["petition_id"],
        update_fields=["marked_at"],
    )


def drain(batch: int = 500) -> int:
    """Bring the marked matters' facts and summary rows up to date, `batch` at a
    time, each batch in its own transaction; returns how many marks were worked
    off. On PostgreSQL the marks another drain holds are left to it (SKIP
    LOCKED), so drains running at once share the work."""
    done = 0
    while True:
        with transaction.atomic():
            ids = list(
                StaleFact.objects.select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                return done
            refresh(ids)
            StaleFact.objects.filter(pk__in=ids).delete()
        done += len(ids)
        if len(ids) < batch:
            return done


_last_drain = [0.0]


def drain_soon() -> int:
    """After a response that marked matters: `drain()` unless this process drained
    less than settings.ANALYTICS_DRAIN_SECONDS ago (the next one takes these
    marks too: many submissions a second share one drain, and the summary rows
    of their day move once for all of them). A reading drains first, so the
    figures never lag behind; the tick takes what is left when the saves stop."""
    now = time.monotonic()
    if now - _last_drain[0] < getattr(settings, "ANALYTICS_DRAIN_SECONDS", 1.0):
        return 0
    _last_drain[0] = now
    return drain()


def drain_if_marked() -> int:
    """`drain()` when some matter is marked (one cheap read when none is)."""
    return drain() if StaleFact.objects.exists() else 0


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
        StaleFact.objects.all().delete()
        first = Petition.objects.order_by("pk").values_list("pk", flat=True).first() or 0
        last = Petition.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for lo in range(first, last + 1, batch):
            MatterFact.objects.bulk_create(_facts_between(lo, lo + batch, tree), 5000)
            if progress:
                progress(min(lo + batch, last + 1) - first, last + 1 - first)
        summarize_facts()
    return {"facts": MatterFact.objects.count(), "summary_rows": Summary.objects.count()}


def tick(hours: int = 24) -> dict[str, int]:
    """The periodic repair: the marked matters worked off; then a full rebuild
    when some matter has no fact (or a fact has no matter); else the facts of the
    matters changed in the last `hours` re-derived (a change the signals missed is
    put right)."""
    from django.utils import timezone

    drain()
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
    """The summary as {key: measures} (rows that count something), for comparisons:
    the marked matters are worked off first."""
    drain()
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
