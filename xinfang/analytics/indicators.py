"""The indicators of 形势网上判, in one module: the dashboard, the API and the .xlsx
export all read `report()`. Every definition (numerator, denominator, which
matters, which date decides the period) is written in docs/indicators.md; the
names here are the keys there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from xinfang.leadership import selectors as leadership
from xinfang.mediation.models import DisputeState
from xinfang.mediation.selectors import visible_disputes
from xinfang.orgs import permissions as org_permissions
from xinfang.orgs.models import Unit
from xinfang.petitions.models import Category, Channel, Petition, Purpose, Rating

from . import selectors, summaries
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
    "first_instance": _("Resolved at first instance (一次性化解率)"),
    "settled_locally": _("Settled where it arose (就地化解率)"),
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
    sums = summaries.gather(user, unit, before.start, before.end, dims=False)
    previous = counts_of(sums.totals())
    return [Decline(key, current[key], previous[key]) for key in DECLINES]


def counts_of(t: dict[str, int]) -> dict[str, int]:
    """The counts from summed measures (summaries.Sums.totals())."""
    return {
        "total": t["total"],
        "group": t["grp"],
        "cross_level": t["cross_level"],
        "repeat": t["repeat"],
    }


# --- rates --------------------------------------------------------------------------


def rates_of(t: dict[str, int], mediation: dict[str, int]) -> list[Ratio]:
    """The rates from summed measures and the mediation counts (settled, failed)."""
    return [
        Ratio("on_time_acceptance", t["acc_ok"], t["acc_n"]),
        Ratio("on_time_reply", t["rep_ok"], t["rep_n"]),
        Ratio("evaluation_participation", t["evaluated"], t["answered"]),
        Ratio("satisfaction_unit", t["evals_unit"], t["evals"]),
        Ratio("satisfaction_office", t["evals_office"], t["evals"]),
        Ratio("repeat_rate", t["repeat"], t["total"]),
        Ratio("first_instance", t["first_ok"], t["first_n"]),
        Ratio("settled_locally", t["local_ok"], t["local_n"]),
        Ratio(
            "mediation_success", mediation["settled"], mediation["settled"] + mediation["failed"]
        ),
    ]


def mediation_by_place(user, unit: Unit, period: Period) -> dict[int, dict[str, int]]:
    """Disputes settled and failed by place, of the unit's subtree, received in the
    period, that the user may see (one grouped query; kept on the user object for
    the request: the figures and the league table read the same)."""
    memo = user.__dict__.setdefault("_xinfang_analytics_disputes", {})
    key = (unit.pk, period.start, period.end)
    if key not in memo:
        memo[key] = _mediation_by_place(user, unit, period)
    return memo[key]


def _mediation_by_place(user, unit: Unit, period: Period) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {}
    rows = (
        visible_disputes(user)
        .filter(
            org_permissions.among(user, "place_id", selectors.subtree(unit)),
            received_on__gte=period.start,
            received_on__lte=period.end,
            state__in=(DisputeState.SETTLED, DisputeState.FAILED),
        )
        .order_by()
        .values_list("place_id", "state")
        .annotate(n=Count("pk"))
    )
    for place, state, n in rows:
        row = out.setdefault(place, {"settled": 0, "failed": 0})
        row["settled" if state == DisputeState.SETTLED else "failed"] += n
    return out


def mediation(by_place: dict[int, dict[str, int]], keep=None) -> dict[str, int]:
    rows = [r for p, r in by_place.items() if keep is None or p in keep]
    return {k: sum(r[k] for r in rows) for k in ("settled", "failed")}


def rates(user, unit: Unit, period: Period, qs: QuerySet[Petition], total: int, repeat: int):
    """The rates of exactly the matters of `qs` (read from their facts; the
    dashboard reads the summaries, summaries.gather)."""
    t = summaries.totals_of(qs)
    return rates_of(t, mediation(mediation_by_place(user, unit, period)))


def leadership_figures(user, unit: Unit, period: Period) -> dict[str, int]:
    """Receptions held by the unit's leaders (or those below it) and the matters its
    units own (包案), through the leadership area's own counts and visibility."""
    ids = set(selectors.subtree(unit))
    span = {"user": user, "date_from": period.start, "date_to": period.end}
    rec = leadership.reception_figures_by_unit(**span)
    rows = [f for key, f in rec.items() if key in ids]
    own = leadership.ownership_by_unit(**span)
    plans = [r for key, r in own.items() if key in ids]
    return {
        "reception_person_times": sum(f["person_times"] for f in rows),
        "reception_batches": sum(f["batches"] for f in rows),
        "reception_people": sum(f["people"] for f in rows),
        "owned": sum(r["owned"] for r in plans),
        "owned_resolved": sum(r["resolved"] for r in plans),
    }


# --- volumes ------------------------------------------------------------------------


def volumes(sums: summaries.Sums) -> dict[str, list[Row]]:
    """The volume tables from the sums (summaries.gather)."""
    dims: dict[str, dict] = {"channel": {}, "purpose": {}, "category": {}, "unit": {}}
    for (_day, dim, key), n in sums.dims.items():
        if n:
            dims[dim][key] = dims[dim].get(key, 0) + n
    # The places may be their townships (the summary's rows by township): the
    # table by township reads them; the one by unit reads the volume by unit.
    by_place: dict[int, int] = {}
    for (_day, place, _unit), row in sums.core.items():
        if row[0]:
            by_place[place] = by_place.get(place, 0) + row[0]
    by_unit = {int(k): n for k, n in dims["unit"].items()}
    out: dict[str, list[Row]] = {}
    out["channel"] = [Row(k, str(Channel(k).label), n) for k, n in dims["channel"].items()]
    out["purpose"] = [Row(k, str(Purpose(k).label), n) for k, n in dims["purpose"].items()]
    cats = {int(k): n for k, n in dims["category"].items()}
    known = dict(
        (pk, (name, parent_id, parent_name))
        for pk, name, parent_id, parent_name in Category.objects.filter(
            pk__in=list(cats)
        ).values_list("pk", "name", "parent_id", "parent__name")
    )
    cat1: dict[int, int] = {}
    for k, n in cats.items():
        top = known.get(k, ("", None, None))[1] or k
        cat1[top] = cat1.get(top, 0) + n
    names = dict(Category.objects.filter(pk__in=list(cat1)).values_list("pk", "name"))
    out["category1"] = [Row(str(k), names.get(k, ""), n) for k, n in cat1.items()]
    out["category"] = []
    for k, n in cats.items():
        name, _parent, parent_name = known.get(k, ("", None, None))
        out["category"].append(Row(str(k), f"{parent_name} / {name}" if parent_name else name, n))
    township = selectors.township_of(by_place)
    tally: dict[object, int] = {}
    for place, n in by_place.items():
        key = township.get(place, NONE)
        tally[key] = tally.get(key, 0) + n
    units = dict(
        Unit.objects.filter(
            pk__in=[k for k in tally if k != NONE] + [k for k in by_unit if k]
        ).values_list("pk", "name")
    )
    out["township"] = [
        Row(str(k), units[k] if k != NONE else str(_("Above the townships")), n)
        for k, n in tally.items()
    ]
    out["unit"] = [
        Row(str(k) if k else NONE, units[k] if k else str(_("Not yet sent to a unit")), n)
        for k, n in by_unit.items()
    ]
    for rows in out.values():
        rows.sort(key=lambda r: (-r.count, r.label))
    return out


# --- the report ---------------------------------------------------------------------


def report(user, query: Query, *, with_volumes: bool = True) -> Report:
    """Every indicator for the unit (and everything below it) and the period, read
    from the summaries (summaries.gather: the same matters as selectors.scope)."""
    unit, period = query.unit, query.period
    sums = summaries.gather(user, unit, period.start, period.end, dims=with_volumes)
    t = sums.totals()
    c = counts_of(t)
    return Report(
        unit=unit,
        period=period,
        counts=c,
        rates=rates_of(t, mediation(mediation_by_place(user, unit, period))),
        declines=declines(user, unit, period, c),
        volumes=volumes(sums) if with_volumes else {},
        leadership=leadership_figures(user, unit, period),
    )
