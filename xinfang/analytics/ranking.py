"""The league table (排名): the units one step below the chosen one, each with the
same indicators as the dashboard (indicators.py), ranked on one of them."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from xinfang.core.exceptions import InvalidInput
from xinfang.orgs.models import Unit, UnitKind

from . import indicators, selectors
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


def ranking(user, query: Query, *, by: str = "") -> list[Place]:
    """Ranked on `by` (a rate's key, or "total"); best first: the highest rate, or
    the lowest for a rate where less is better (the repeat rate) and for the total.
    A unit with nothing to count for `by` comes last, unranked."""
    by = by or DEFAULT_BY
    if by != "total" and by not in indicators.RATES:
        raise InvalidInput(field_errors={"by": [_("Unknown indicator.")]})
    units = selectors.child_units(query.unit).filter(
        kind__in=RANKED_KINDS, pk__in=readable_units(user).values("pk")
    )
    period = query.period
    places = []
    for unit in units:
        qs = selectors.scope(user, unit, period.start, period.end)
        counts = indicators.counts(qs)
        rates = indicators.rates(user, unit, period, qs, counts["total"], counts["repeat"])
        places.append(Place(None, unit, counts, rates))

    def value(p: Place):
        if by == "total":
            return p.counts["total"]
        return next(r.pct for r in p.rates if r.key == by)

    lower = by == "total" or by in indicators.LOWER_IS_BETTER
    ranked = [p for p in places if value(p) is not None]
    ranked.sort(key=lambda p: (value(p) if lower else -value(p), p.unit.code))
    rank, last = 0, object()
    for i, p in enumerate(ranked, start=1):
        if value(p) != last:
            rank, last = i, value(p)
        p.rank = rank
    return ranked + [p for p in places if value(p) is None]
