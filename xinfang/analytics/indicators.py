"""The indicators of 形势网上判, in one module: the dashboard, the API and the .xlsx
export all read `report()`. Every definition (numerator, denominator, which
matters, which date decides the period) is written in docs/indicators.md; the
names here are the keys there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from xinfang.core.calendar import Clock, deadline_for
from xinfang.leadership import selectors as leadership
from xinfang.mediation.models import DisputeState
from xinfang.mediation.selectors import visible_disputes
from xinfang.orgs.models import Unit
from xinfang.petitions.models import (
    Category,
    Channel,
    Evaluation,
    Petition,
    Purpose,
    Rating,
    Round,
)

from . import selectors
from .periods import Period
from .selectors import NONE, Query

GOOD_RATINGS = (Rating.SATISFIED, Rating.BASICALLY_SATISFIED)

COUNTS = {
    "total": _("Matters received"),
    "group": _("Group petitions (5 people or more)"),
    "cross_level": _("Skipped-level petitions"),
    "repeat": _("Repeat petitions"),
}
RATES = {
    "on_time_acceptance": _("On-time acceptance (及时受理率)"),
    "on_time_reply": _("On-time reply (按期答复率)"),
    "evaluation_participation": _("Evaluation participation (参评率)"),
    "satisfaction_unit": _("Satisfaction with the responsible unit (满意率)"),
    "satisfaction_office": _("Satisfaction with the petition office (满意率)"),
    "repeat_rate": _("Repeat rate (重复信访率)"),
    "mediation_success": _("Mediation success (调成率)"),
}
# A lower figure is better for these (the league table sorts them upwards).
LOWER_IS_BETTER = {"repeat_rate"}
DECLINES = {
    "total": _("Total (总量)"),
    "cross_level": _("Skipped-level (越级)"),
    "repeat": _("Repeat (重复)"),
}
DIMENSIONS = {
    "channel": _("By channel"),
    "purpose": _("By purpose"),
    "category1": _("By category"),
    "category": _("By sub-category"),
    "township": _("By township"),
    "unit": _("By responsible unit"),
}
LEADERSHIP = {
    "reception_person_times": _("Leaders' receptions (person-times)"),
    "reception_batches": _("Batches received"),
    "reception_people": _("People received"),
    "owned": _("Matters owned by leaders (包案)"),
    "owned_resolved": _("Owned matters resolved"),
}


def percent(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator in per cent, one decimal, half up; None when nothing counts."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


@dataclass
class Ratio:
    key: str
    numerator: int
    denominator: int

    @property
    def label(self) -> str:
        return str(RATES[self.key])

    @property
    def pct(self) -> Decimal | None:
        return percent(self.numerator, self.denominator)

    def as_dict(self) -> dict:
        pct = self.pct
        return {
            "key": self.key,
            "label": self.label,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "percent": str(pct) if pct is not None else None,
        }


@dataclass
class Decline:
    key: str
    current: int
    previous: int

    @property
    def label(self) -> str:
        return str(DECLINES[self.key])

    @property
    def change_pct(self) -> Decimal | None:
        """(this period − a year before) / a year before, in per cent; None from zero."""
        return percent(self.current - self.previous, self.previous)

    @property
    def direction(self) -> str:
        if self.current < self.previous:
            return "down"
        return "up" if self.current > self.previous else "same"

    @property
    def arrow(self) -> str:
        return {"down": "↓", "up": "↑", "same": "→"}[self.direction]

    def as_dict(self) -> dict:
        change = self.change_pct
        return {
            "key": self.key,
            "label": self.label,
            "current": self.current,
            "previous": self.previous,
            "change_percent": str(change) if change is not None else None,
            "direction": self.direction,
        }


@dataclass
class Row:
    key: str
    label: str
    count: int


@dataclass
class Report:
    unit: Unit
    period: Period
    counts: dict[str, int]
    rates: list[Ratio]
    declines: list[Decline]
    volumes: dict[str, list[Row]] = field(default_factory=dict)
    leadership: dict[str, int] = field(default_factory=dict)

    def rate(self, key: str) -> Ratio:
        return next(r for r in self.rates if r.key == key)

    def as_dict(self) -> dict:
        return {
            "unit": {"id": self.unit.pk, "name": self.unit.name},
            "period": self.period.as_dict(),
            "counts": self.counts,
            "rates": [r.as_dict() for r in self.rates],
            "declines": [d.as_dict() for d in self.declines],
            "leadership": self.leadership,
        }

    def volumes_dict(self) -> dict:
        return {
            by: [{"key": r.key, "label": r.label, "count": r.count} for r in rows]
            for by, rows in self.volumes.items()
        }


# --- counts -------------------------------------------------------------------------


def counts(qs: QuerySet[Petition]) -> dict[str, int]:
    return qs.aggregate(
        total=Count("pk"),
        group=Count("pk", filter=selectors.dimension_q("flag", "group")),
        cross_level=Count("pk", filter=Q(cross_level=True)),
        repeat=Count("pk", filter=Q(repeat=True)),
    )


def declines(user, unit: Unit, period: Period, current: dict[str, int]) -> list[Decline]:
    """三下降: this period against the same days a year before."""
    before = period.year_before()
    previous = counts(selectors.scope(user, unit, before.start, before.end))
    return [Decline(key, current[key], previous[key]) for key in DECLINES]


# --- rates --------------------------------------------------------------------------


def _due_dates():
    """The due date of a clock from a start (the calendar's holidays decide; kept
    for one report, not longer: the holiday data may change)."""
    memo: dict = {}

    def due(clock: str, start: dt.date, extension: int = 0) -> dt.date:
        if (clock, start, extension) not in memo:
            memo[clock, start, extension] = deadline_for(clock, start, extension_days=extension).due
        return memo[clock, start, extension]

    return due


def rates(user, unit: Unit, period: Period, qs: QuerySet[Petition], total: int, repeat: int):
    _due = _due_dates()
    accepted = qs.filter(accepted_on__isnull=False, forwarded_on__isnull=False)
    acc = list(accepted.values_list("forwarded_on", "accepted_on"))
    acc_on_time = sum(1 for fwd, on in acc if on <= _due(Clock.ACCEPT, fwd))
    replied = qs.filter(
        purpose=Purpose.APPEAL, accepted_on__isnull=False, opinion_issued_on__isnull=False
    )
    rep = list(replied.values_list("accepted_on", "opinion_issued_on", "extension_days"))
    rep_on_time = sum(1 for a, o, ext in rep if o <= _due(Clock.HANDLE, a, ext))
    answered = qs.filter(opinion_issued_on__isnull=False)
    evaluated = answered.filter(
        Exists(Evaluation.objects.filter(petition=OuterRef("pk"), round=Round.OPINION))
    )
    ev = Evaluation.objects.filter(petition__in=qs.values("pk")).aggregate(
        n=Count("pk"),
        unit=Count("pk", filter=Q(unit_rating__in=GOOD_RATINGS)),
        office=Count("pk", filter=Q(office_rating__in=GOOD_RATINGS)),
    )
    disputes = visible_disputes(user).filter(
        place_id__in=selectors.subtree(unit),
        received_on__gte=period.start,
        received_on__lte=period.end,
    )
    med = disputes.aggregate(
        settled=Count("pk", filter=Q(state=DisputeState.SETTLED)),
        failed=Count("pk", filter=Q(state=DisputeState.FAILED)),
    )
    return [
        Ratio("on_time_acceptance", acc_on_time, len(acc)),
        Ratio("on_time_reply", rep_on_time, len(rep)),
        Ratio("evaluation_participation", evaluated.count(), answered.count()),
        Ratio("satisfaction_unit", ev["unit"], ev["n"]),
        Ratio("satisfaction_office", ev["office"], ev["n"]),
        Ratio("repeat_rate", repeat, total),
        Ratio("mediation_success", med["settled"], med["settled"] + med["failed"]),
    ]


def leadership_figures(user, unit: Unit, period: Period) -> dict[str, int]:
    """Receptions held by the unit's leaders (or those below it) and the matters its
    units own (包案), through the leadership area's own counts and visibility."""
    ids = set(selectors.subtree(unit))
    rec = leadership.reception_stats(user=user, date_from=period.start, date_to=period.end)
    rows = [f for f in rec["by_unit"] if f.key in ids]
    own = leadership.ownership_counts(user=user, date_from=period.start, date_to=period.end)
    plans = [r for r in own["by_unit"] if r["id"] in ids]
    return {
        "reception_person_times": sum(f.person_times for f in rows),
        "reception_batches": sum(f.batches for f in rows),
        "reception_people": sum(f.people for f in rows),
        "owned": sum(r["owned"] for r in plans),
        "owned_resolved": sum(r["resolved"] for r in plans),
    }


# --- volumes ------------------------------------------------------------------------


def _grouped(qs, expr) -> list[tuple[object, int]]:
    rows = qs.order_by().annotate(k=expr).values("k").annotate(n=Count("pk")).values_list("k", "n")
    return list(rows)


def volumes(qs: QuerySet[Petition]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {}
    out["channel"] = [Row(k, str(Channel(k).label), n) for k, n in _grouped(qs, F("channel"))]
    out["purpose"] = [Row(k, str(Purpose(k).label), n) for k, n in _grouped(qs, F("purpose"))]
    cat1 = _grouped(qs, Coalesce("category__parent_id", "category_id"))
    cat2 = _grouped(qs, F("category_id"))
    names = dict(
        Category.objects.filter(pk__in=[k for k, _n in cat1 + cat2]).values_list("pk", "name")
    )
    parents = dict(
        Category.objects.filter(pk__in=[k for k, _n in cat2]).values_list("pk", "parent__name")
    )
    out["category1"] = [Row(str(k), names.get(k, ""), n) for k, n in cat1]
    out["category"] = [
        Row(str(k), f"{parents[k]} / {names[k]}" if parents.get(k) else names.get(k, ""), n)
        for k, n in cat2
    ]
    by_place = _grouped(qs, F("place_id"))
    township = selectors.township_of(k for k, _n in by_place)
    tally: dict[object, int] = {}
    for place, n in by_place:
        key = township.get(place, NONE)
        tally[key] = tally.get(key, 0) + n
    by_unit = _grouped(qs, F("responsible_unit_id"))
    units = dict(
        Unit.objects.filter(
            pk__in=[k for k in tally if k != NONE] + [k for k, _n in by_unit if k]
        ).values_list("pk", "name")
    )
    out["township"] = [
        Row(str(k), units[k] if k != NONE else str(_("Above the townships")), n)
        for k, n in tally.items()
    ]
    out["unit"] = [
        Row(str(k) if k else NONE, units[k] if k else str(_("Not yet sent to a unit")), n)
        for k, n in by_unit
    ]
    for rows in out.values():
        rows.sort(key=lambda r: (-r.count, r.label))
    return out


# --- the report ---------------------------------------------------------------------


def report(user, query: Query, *, with_volumes: bool = True) -> Report:
    """Every indicator for the unit (and everything below it) and the period."""
    unit, period = query.unit, query.period
    qs = selectors.scope(user, unit, period.start, period.end)
    c = counts(qs)
    return Report(
        unit=unit,
        period=period,
        counts=c,
        rates=rates(user, unit, period, qs, c["total"], c["repeat"]),
        declines=declines(user, unit, period, c),
        volumes=volumes(qs) if with_volumes else {},
        leadership=leadership_figures(user, unit, period),
    )
