"""Hotspots (热点): a category or township whose count in the latest week rises
well above its own usual level. The rule and its parameters are in
docs/indicators.md ("Hotspots"):

    flagged  ⇔  count ≥ MIN_COUNT  and  count > mean + K · max(sd, √mean, MIN_SD)

where mean and sd (population) are over the BASELINE_WEEKS weeks before it. The
floor √mean is the spread a Poisson count of that mean has: a series that happened
to be flat in its baseline does not flag an ordinary wobble; MIN_COUNT keeps
1 → 3 from being a hotspot.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from xinfang.orgs.models import Unit
from xinfang.petitions.models import Category

from . import selectors, summaries
from .selectors import NONE, Query

BASELINE_WEEKS = 8
K = 4.0
MIN_COUNT = 5
MIN_SD = 1.0
WEEK = 7


def threshold(history: list[int]) -> float:
    """The count above which the latest week is a hotspot."""
    n = len(history)
    mean = sum(history) / n if n else 0.0
    sd = math.sqrt(sum((x - mean) ** 2 for x in history) / n) if n else 0.0
    return mean + K * max(sd, math.sqrt(mean), MIN_SD)


def is_hotspot(history: list[int], count: int) -> bool:
    return count >= MIN_COUNT and count > threshold(history)


@dataclass
class Series:
    by: str
    key: str
    label: str
    history: list[int]  # the baseline weeks, oldest first
    count: int  # the latest week

    @property
    def threshold(self) -> float:
        return threshold(self.history)

    @property
    def mean(self) -> float:
        return sum(self.history) / len(self.history)

    @property
    def flagged(self) -> bool:
        return is_hotspot(self.history, self.count)

    def as_dict(self) -> dict:
        return {
            "by": self.by,
            "key": self.key,
            "label": self.label,
            "count": self.count,
            "baseline": self.history,
            "baseline_mean": round(self.mean, 2),
            "threshold": round(self.threshold, 2),
            "flagged": self.flagged,
        }


def window(end: dt.date) -> tuple[dt.date, dt.date]:
    """The latest week (the seven days ending on `end`) and the baseline before it."""
    return end - dt.timedelta(days=WEEK * (BASELINE_WEEKS + 1) - 1), end


def series(user, query: Query) -> list[Series]:
    """Every category (first level) and township of the unit, over the week ending
    on the period's last day and the BASELINE_WEEKS weeks before; flagged first.
    Counted from the summaries by day (summaries.gather: the matters of
    selectors.scope)."""
    start, end = window(query.period.end)
    sums = summaries.gather(user, query.unit, start, end, by_day=True, dims=("category",))
    weeks = BASELINE_WEEKS + 1

    def week_of(day: dt.date) -> int:
        return weeks - 1 - (end - day).days // WEEK

    out: list[Series] = []
    by_leaf: dict[int, list[int]] = {}
    for (day, dim, key), n in sums.dims.items():
        if dim == "category" and n:
            by_leaf.setdefault(int(key), [0] * weeks)[week_of(day)] += n
    parent = dict(Category.objects.filter(pk__in=list(by_leaf)).values_list("pk", "parent_id"))
    by_cat: dict[int, list[int]] = {}
    for leaf, counts in by_leaf.items():
        row = by_cat.setdefault(parent.get(leaf) or leaf, [0] * weeks)
        for i, n in enumerate(counts):
            row[i] += n
    names = dict(Category.objects.filter(pk__in=list(by_cat)).values_list("pk", "name"))
    for key, counts in by_cat.items():
        out.append(Series("category1", str(key), names.get(key, ""), counts[:-1], counts[-1]))
    by_place: dict[object, list[int]] = {}
    rows = [(day, place, r[0]) for (day, place, _unit), r in sums.core.items() if r[0]]
    township = selectors.township_of({place for _d, place, _n in rows})
    for day, place, n in rows:
        by_place.setdefault(township.get(place, NONE), [0] * weeks)[week_of(day)] += n
    units = dict(
        Unit.objects.filter(pk__in=[k for k in by_place if k != NONE]).values_list("pk", "name")
    )
    for key, counts in by_place.items():
        if key == NONE:
            continue
        out.append(Series("township", str(key), units.get(key, ""), counts[:-1], counts[-1]))
    out.sort(key=lambda s: (not s.flagged, -(s.count - s.threshold), s.label))
    return out
