"""Acceptance 3 of issue 14: a planted spike is flagged; plain noise flags nothing."""

import datetime as dt
import math
import random

from xinfang.analytics import hotspots
from xinfang.analytics.periods import Period
from xinfang.analytics.selectors import Query


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: a Poisson count of `mean`."""
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def test_it_flags_a_planted_spike():
    rng = random.Random(14)
    for mean in (2, 4, 6, 10):
        history = [poisson(rng, mean) for _w in range(hotspots.BASELINE_WEEKS)]
        assert hotspots.is_hotspot(history, int(mean * 4 + 8)), (mean, history)


def test_plain_noise_flags_nothing():
    rng = random.Random(2026)
    flagged = 0
    for _series in range(300):
        mean = rng.choice([0.5, 1, 2, 4, 6, 10, 20])
        weeks = [poisson(rng, mean) for _w in range(hotspots.BASELINE_WEEKS + 1)]
        flagged += hotspots.is_hotspot(weeks[:-1], weeks[-1])
    assert flagged == 0


def test_one_to_three_is_no_hotspot():
    assert not hotspots.is_hotspot([0, 0, 1, 0, 0, 0, 1, 0], 3)
    assert hotspots.is_hotspot([0, 0, 1, 0, 0, 0, 1, 0], hotspots.MIN_COUNT)


def test_the_dashboard_flags_a_spiking_category_and_not_a_steady_one(
    city_leader, city, make_matters, cat_labor, cat_air, api_for
):
    end = dt.date(2025, 6, 29)  # a Sunday: the latest week is 23 to 29 June
    for week in range(1, hotspots.BASELINE_WEEKS + 1):
        day = end - dt.timedelta(days=7 * week)
        make_matters(2, received_on=day, category=cat_labor)
        make_matters(3, received_on=day, category=cat_air)
    make_matters(12, received_on=end - dt.timedelta(days=2), category=cat_labor)
    make_matters(4, received_on=end - dt.timedelta(days=2), category=cat_air)
    series = hotspots.series(city_leader, Query(city, Period("week", end - dt.timedelta(6), end)))
    flagged = {(s.by, s.key) for s in series if s.flagged}
    assert ("category1", str(cat_labor.parent_id)) in flagged
    assert ("category1", str(cat_air.parent_id)) not in flagged
    body = (
        api_for(city_leader)
        .get(
            "/api/v1/analytics/hotspots", {"unit": city.pk, "period": "week", "on": end.isoformat()}
        )
        .json()
    )
    labor = next(s for s in body["series"] if s["key"] == str(cat_labor.parent_id))
    assert labor["count"] == 12 and labor["baseline"] == [2] * 8 and labor["flagged"]
