"""Every read of the leadership area a user sees, through the policy's visibility
(permissions.py); the public calendar is the one read without a login.

Receptions: the calendar of a month, one reception with its batches and matters,
the counts in the report's three measures (person-times 人次, batches 批次,
people 人) per leader, unit and period, and the county-level leaders behind this
month's rule (visit down at least one day and make one appointment)."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.db.models.functions import ExtractMonth

from xinfang.core import calendar
from xinfang.core.exceptions import NotFound
from xinfang.orgs.models import Level, Unit, UnitKind, UnitLink
from xinfang.orgs.selectors import unit_above

from .. import permissions as policy
from ..models import (
    Reception,
    ReceptionBatch,
    ReceptionKind,
    ReceptionMatter,
    ReceptionState,
)

# --- receptions ---------------------------------------------------------------------------


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    last = pycalendar.monthrange(year, month)[1]
    return dt.date(year, month, 1), dt.date(year, month, last)


def reception_list(
    *,
    user,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    leader_id: int | None = None,
    kind: str | None = None,
    state: str | None = None,
) -> QuerySet[Reception]:
    qs = policy.visible_receptions(user).select_related("leader", "leader_unit", "unit")
    if date_from:
        qs = qs.filter(on__gte=date_from)
    if date_to:
        qs = qs.filter(on__lte=date_to)
    if leader_id:
        qs = qs.filter(leader_id=leader_id)
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    return qs.annotate(
        batch_count=Count("batches", distinct=True),
        people=Sum("batches__people_count"),
    ).order_by("on", "time_from", "id")


def reception_get(*, user, pk) -> Reception:
    """One reception with its batches and their matters; 404 unless visible."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    r = (
        policy.visible_receptions(user)
        .select_related("leader", "leader_unit", "unit", "created_by")
        .prefetch_related(
            Prefetch(
                "batches",
                queryset=ReceptionBatch.objects.order_by("position").prefetch_related(
                    Prefetch(
                        "links",
                        queryset=ReceptionMatter.objects.select_related("petition").order_by("id"),
                    )
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )
    if r is None:
        raise NotFound()
    return r


def public_calendar(*, year: int, month: int) -> QuerySet[Reception]:
    """What a citizen sees without login: the public receptions of the month (no
    petitioner, no batch), not cancelled ones."""
    start, end = month_bounds(year, month)
    return (
        Reception.objects.filter(public=True, on__gte=start, on__lte=end)
        .exclude(state=ReceptionState.CANCELLED)
        .select_related("leader", "leader_unit", "unit")
        .order_by("on", "time_from", "id")
    )


def upcoming_for(user, *, days: int = 31) -> QuerySet[Reception]:
    today = calendar.today()
    return reception_list(
        user=user,
        date_from=today,
        date_to=today + dt.timedelta(days=days),
        state=ReceptionState.SCHEDULED,
    )


# --- counts: person-times, batches, people ------------------------------------------------


@dataclass
class Figures:
    key: object = None
    label: str = ""
    unit: str = ""
    person_times: int = 0
    batches: int = 0
    people: int = 0
    by_kind: dict = field(default_factory=dict)


def _figures(qs: QuerySet[Reception], group: list[str]):
    return qs.values(*group).annotate(
        person_times=Count("id", distinct=True),
        batch_n=Count("batches"),
        people=Sum("batches__people_count"),
    )


def reception_figures_by_unit(*, user, date_from: dt.date, date_to: dt.date) -> dict[int, dict]:
    """`reception_stats`' figures per unit (the leader's) alone, by unit id: one
    query for the analytics' leaders' figures (the same counts)."""
    qs = policy.visible_receptions(user).filter(
        state=ReceptionState.HELD, on__gte=date_from, on__lte=date_to
    )
    return {
        row["leader_unit_id"]: {
            "person_times": row["person_times"],
            "batches": row["batch_n"],
            "people": row["people"] or 0,
        }
        for row in _figures(qs, ["leader_unit_id"]).order_by()
    }


def reception_stats(
    *,
    user,
    date_from: dt.date,
    date_to: dt.date,
    leader_id: int | None = None,
    unit_id: int | None = None,
) -> dict:
    """The held receptions in the period the user sees, in the three measures:
    in all, per leader, per unit (the leader's), per kind and per month."""
    qs = policy.visible_receptions(user).filter(
        state=ReceptionState.HELD, on__gte=date_from, on__lte=date_to
    )
    if leader_id:
        qs = qs.filter(leader_id=leader_id)
    if unit_id:
        qs = qs.filter(leader_unit_id=unit_id)
    total = qs.aggregate(
        person_times=Count("id", distinct=True),
        batch_n=Count("batches"),
        people=Sum("batches__people_count"),
    )
    labels = dict(ReceptionKind.choices)

    def rows(group: list[str], key: str, label, unit=None) -> list[Figures]:
        out = [
            Figures(
                key=row[key],
                label=label(row),
                unit=unit(row) if unit else "",
                person_times=row["person_times"],
                batches=row["batch_n"],
                people=row["people"] or 0,
            )
            for row in _figures(qs, group)
        ]
        return sorted(out, key=lambda f: (-f.person_times, str(f.label)))

    by_leader = rows(
        ["leader_id", "leader__first_name", "leader__username", "leader_unit__name"],
        "leader_id",
        lambda r: r["leader__first_name"] or r["leader__username"],
        unit=lambda r: r["leader_unit__name"],
    )
    by_unit = rows(
        ["leader_unit_id", "leader_unit__name"], "leader_unit_id", lambda r: r["leader_unit__name"]
    )
    by_kind = rows(["kind"], "kind", lambda r: str(labels.get(r["kind"], r["kind"])))
    by_month = [
        Figures(
            key=row["month"],
            label=str(row["month"]),
            person_times=row["person_times"],
            batches=row["batch_n"],
            people=row["people"] or 0,
        )
        for row in qs.annotate(month=ExtractMonth("on"))
        .values("month")
        .annotate(
            person_times=Count("id", distinct=True),
            batch_n=Count("batches"),
            people=Sum("batches__people_count"),
        )
        .order_by("month")
    ]
    return {
        "date_from": date_from,
        "date_to": date_to,
        "total": {
            "person_times": total["person_times"] or 0,
            "batches": total["batch_n"] or 0,
            "people": total["people"] or 0,
        },
        "by_leader": by_leader,
        "by_unit": by_unit,
        "by_kind": by_kind,
        "by_month": by_month,
    }


# --- the rule: visit down one day a month, one appointment ---------------------------------


@dataclass
class LeaderMonth:
    leader: object
    unit: object
    visit_days: int
    appointments: int
    scheduled_visits: int
    scheduled_appointments: int

    @property
    def behind(self) -> bool:
        return self.visit_days < 1 or self.appointments < 1

    @property
    def missing(self) -> list[str]:
        out = []
        if self.visit_days < 1:
            out.append(ReceptionKind.VISIT_DOWN)
        if self.appointments < 1:
            out.append(ReceptionKind.APPOINTMENT)
        return out


def county_leaders(user):
    """The county-level owners (Wugang is a county-level city: leaders of its
    city-level units) the user sees, one row per leader and unit."""
    return (
        policy.leader_memberships(user, above=False)
        .filter(unit__level=Level.CITY)
        .order_by("unit__sort_order", "unit__code", "user__username")
    )


def leaders_this_month(user, *, year: int | None = None, month: int | None = None):
    """Each county-level leader with this month's held visits down (distinct days)
    and appointments, and what is on the calendar for the rest of the month."""
    today = calendar.today()
    year, month = year or today.year, month or today.month
    start, end = month_bounds(year, month)
    memberships = list(county_leaders(user))
    ids = {m.user_id for m in memberships}
    qs = Reception.objects.filter(leader_id__in=ids, on__gte=start, on__lte=end)
    counts = {
        (row["leader_id"], row["kind"], row["state"]): (row["days"], row["n"])
        for row in qs.filter(kind__in=[ReceptionKind.VISIT_DOWN, ReceptionKind.APPOINTMENT])
        .values("leader_id", "kind", "state")
        .annotate(days=Count("on", distinct=True), n=Count("id"))
    }

    def get(uid, kind, state, i):
        return counts.get((uid, kind, state), (0, 0))[i]

    rows, seen = [], set()
    for m in memberships:
        if m.user_id in seen:
            continue
        seen.add(m.user_id)
        rows.append(
            LeaderMonth(
                leader=m.user,
                unit=m.unit,
                visit_days=get(m.user_id, ReceptionKind.VISIT_DOWN, ReceptionState.HELD, 0),
                appointments=get(m.user_id, ReceptionKind.APPOINTMENT, ReceptionState.HELD, 1),
                scheduled_visits=get(
                    m.user_id, ReceptionKind.VISIT_DOWN, ReceptionState.SCHEDULED, 1
                ),
                scheduled_appointments=get(
                    m.user_id, ReceptionKind.APPOINTMENT, ReceptionState.SCHEDULED, 1
                ),
            )
        )
    return {"year": year, "month": month, "rows": rows}


def behind_this_month(user, *, year: int | None = None, month: int | None = None) -> dict:
    found = leaders_this_month(user, year=year, month=month)
    found["behind"] = [r for r in found["rows"] if r.behind]
    return found


def may_read_receptions(user) -> bool:
    return policy.sees_all(user) or bool(
        policy.visible_receptions(user).exists() or policy.records_somewhere(user)
    )


def places_for(reception: Reception) -> QuerySet[Unit]:
    """Where a matter raised at this reception may lie: the territorial units under
    the territory the reception is held in (the whole city for its centre)."""
    territory = unit_above(reception.unit, kind=UnitKind.TERRITORIAL) or reception.unit
    return (
        Unit.objects.filter(
            kind=UnitKind.TERRITORIAL,
            is_active=True,
            pk__in=UnitLink.objects.filter(ancestor=territory).values("descendant_id"),
        )
        .select_related("parent")
        .order_by("depth", "sort_order", "code")
    )
