"""The league table (排名): the units one step below the chosen one, each with the
same indicators as the dashboard (indicators.py), ranked on one of them."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from xinfang.core.exceptions import InvalidInput
from xinfang.orgs.models import Unit, UnitKind, UnitLink

from . import indicators, selectors, summaries
from .permissions import readable_units
from .selectors import Query

RANKED_KINDS = (UnitKind.TERRITORIAL, UnitKind.DEPARTMENT)
DEFAULT_BY = "on_time_acceptance"


@dataclass
class Place:
    rank: int | None
    unit: Unit
    counts: dict[str, int]
    rates: list[indicators.Ratio]

    def as_dict(self) -> dict:
        return {
            "rank": self.rank,
            "unit": {"id": self.unit.pk, "name": self.unit.name},
            "counts": self.counts,
            "rates": [r.as_dict() for r in self.rates],
        }


def ranked_units(user, query: Query):
    """The units the league table may list: one step below, that the user reads."""
    return selectors.child_units(query.unit).filter(
        kind__in=RANKED_KINDS, pk__in=readable_units(user).values("pk")
    )


def ranking(user, query: Query, *, by: str = "", everyone: bool = False) -> list[Place]:
    """Ranked on `by` (a rate's key, or "total"); best first: the highest rate, or
    the lowest for a rate where less is better (the repeat rate) and for the total.
    Only the units with figures (a matter counted, or something to count for `by`)
    unless `everyone`; then a unit with nothing to count for `by` comes last,
    unranked. One reading of the summaries for the chosen unit, shared out."""
    by = by or DEFAULT_BY
    if by != "total" and by not in indicators.RATES:
        raise InvalidInput(field_errors={"by": [_("Unknown indicator.")]})
    units = list(ranked_units(user, query))
    period = query.period
    sums = summaries.gather(user, query.unit, period.start, period.end, dims=False)
    disputes = indicators.mediation_by_place(user, query.unit, period)
    below: dict[int, set[int]] = {u.pk: set() for u in units}
    for ancestor, descendant in UnitLink.objects.filter(ancestor__in=units).values_list(
        "ancestor_id", "descendant_id"
    ):
        below[ancestor].add(descendant)
    # The ranked units are siblings: each unit below belongs to one of them.
    owner = {d: ancestor for ancestor, ids in below.items() for d in ids}
    by_unit = sums.totals_by(owner)
    empty = dict.fromkeys(summaries.MEASURES, 0)
    places = []
    for unit in units:
        ids = below[unit.pk]
        t = by_unit.get(unit.pk, empty)
        counts = indicators.counts_of(t)
        rates = indicators.rates_of(t, indicators.mediation(disputes, ids))
        places.append(Place(None, unit, counts, rates))

    def value(p: Place):
        if by == "total":
            return p.counts["total"]
        return next(r.pct for r in p.rates if r.key == by)

    if not everyone:
        places = [p for p in places if p.counts["total"] or value(p) is not None]
    lower = by == "total" or by in indicators.LOWER_IS_BETTER
    ranked = [p for p in places if value(p) is not None]
    ranked.sort(key=lambda p: (value(p) if lower else -value(p), p.unit.code))
    rank, last = 0, object()
    for i, p in enumerate(ranked, start=1):
        if value(p) != last:
            rank, last = i, value(p)
        p.rank = rank
    return ranked + [p for p in places if value(p) is None]
