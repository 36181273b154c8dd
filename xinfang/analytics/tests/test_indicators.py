"""Acceptance 1 and 2 of issue 14: for a generated year with known counts, every
indicator on the page, in the API and in the .xlsx equals the value computed by
hand here; the three declines show the right % and direction."""

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from xinfang.analytics import indicators
from xinfang.analytics.periods import Period
from xinfang.analytics.selectors import Query

D = dt.date

# By hand (see the year below): 20 matters in 2025, 25 in 2024.
COUNTS = {"total": 20, "group": 4, "cross_level": 4, "repeat": 4}
RATES = {
    "on_time_acceptance": (10, 16, "62.5"),
    "on_time_reply": (10, 16, "62.5"),
    "evaluation_participation": (9, 16, "56.3"),
    "satisfaction_unit": (7, 9, "77.8"),
    "satisfaction_office": (8, 9, "88.9"),
    "repeat_rate": (4, 20, "20.0"),
    "first_instance": (5, 7, "71.4"),
    "settled_locally": (5, 7, "71.4"),
    "mediation_success": (3, 4, "75.0"),
}
DECLINES = {
    "total": (20, 25, "-20.0", "down"),
    "cross_level": (4, 2, "100.0", "up"),
    "repeat": (4, 4, "0.0", "same"),
}


@pytest.fixture
def year(make_matters, evaluate, make_dispute, city, township_a, township_b, village_b, cat_air):
    """2025: A) 10 appeals by visit in village A (township A), accepted in 4 days and
    answered in 36; B) 6 appeals by letter in township B's village, of a category
    of another first level, 4 of them skipped-level, accepted after 59 days and
    answered after 141; C) 4 online suggestions at township A itself, repeats of
    six people each, not yet sent anywhere. Concluded: six of A (two after a
    request for review) and one of B: five of seven on the first answer, and at
    the township where they arose. 2024: 25 matters, 2 skipped-level,
    4 repeats."""
    a = make_matters(
        10,
        received_on=D(2025, 3, 10),
        forwarded_on=D(2025, 3, 11),
        accepted_on=D(2025, 3, 15),
        opinion_issued_on=D(2025, 4, 20),
        responsible_unit=township_a,
        state="opinion_issued",
    )
    b = make_matters(
        6,
        channel="letter",
        category=cat_air,
        place=village_b,
        received_on=D(2025, 6, 2),
        forwarded_on=D(2025, 6, 3),
        accepted_on=D(2025, 8, 1),
        opinion_issued_on=D(2025, 12, 20),
        responsible_unit=township_b,
        state="opinion_issued",
    )
    for p in b[:4]:
        p.cross_level = True
        p.save(update_fields=["cross_level"])
    for p in [*a[:6], b[5]]:
        p.state = "concluded"
        p.save(update_fields=["state"])
    for p in a[4:6]:
        p.review_unit = city
        p.save(update_fields=["review_unit"])
    make_matters(
        4,
        channel="online",
        purpose="suggestion",
        place=township_a,
        received_on=D(2025, 9, 1),
        repeat=True,
        people_count=6,
    )
    ratings = ["satisfied"] * 5 + ["basically_satisfied"] * 2 + ["dissatisfied"]
    for p, rating in zip(a[:8], ratings, strict=True):
        evaluate(p, rating, "satisfied")
    evaluate(b[0], "dissatisfied", "dissatisfied")
    for state in ["settled"] * 3 + ["failed", "mediating", "reported", "withdrawn"]:
        make_dispute(state)
    make_matters(19, received_on=D(2024, 4, 1))
    make_matters(2, received_on=D(2024, 5, 1), cross_level=True)
    make_matters(4, received_on=D(2024, 7, 1), repeat=True)
    make_dispute("failed", received_on=D(2024, 5, 1))


YEAR = {"from": "2025-01-01", "to": "2025-12-31"}


def test_it_computes_every_indicator_by_hand(
    year, city_leader, city, township_a, township_b, cat_labor, cat_air
):
    r = indicators.report(city_leader, Query(city, Period("year", D(2025, 1, 1), D(2025, 12, 31))))
    assert r.counts == COUNTS
    for key, (num, den, pct) in RATES.items():
        x = r.rate(key)
        assert (x.numerator, x.denominator, str(x.pct)) == (num, den, pct), key
    for d in r.declines:
        assert (d.current, d.previous, str(d.change_pct), d.direction) == DECLINES[d.key]
    vol = {by: {row.key: row.count for row in rows} for by, rows in r.volumes.items()}
    assert vol["channel"] == {"visit": 10, "letter": 6, "online": 4}
    assert vol["purpose"] == {"appeal": 16, "suggestion": 4}
    assert vol["category1"] == {str(cat_labor.parent_id): 14, str(cat_air.parent_id): 6}
    assert vol["category"] == {str(cat_labor.pk): 14, str(cat_air.pk): 6}
    assert vol["township"] == {str(township_a.pk): 14, str(township_b.pk): 6}
    assert vol["unit"] == {str(township_a.pk): 10, str(township_b.pk): 6, "none": 4}


def test_the_page_shows_the_same_numbers(year, city_leader, city, client):
    client.force_login(city_leader)
    html = client.get("/analytics/", {"unit": city.pk, **YEAR}).content.decode()
    for key, value in COUNTS.items():
        assert re.search(rf'data-count="{key}"[^>]*>{value}<', html), key
    for key, (num, den, pct) in RATES.items():
        row = re.search(rf'<tr data-rate="{key}">(.*?)</tr>', html).group(1)
        assert re.findall(r"<td[^>]*>([^<]*)</td>", row) == [str(num), str(den), f"{pct}%"], key
    for key, (cur, prev, change, direction) in DECLINES.items():
        row = re.search(rf'<tr data-decline="{key}">(.*?)</tr>', html).group(1)
        assert f"<td>{cur}</td><td>{prev}</td>" in row
        assert f'data-change="{change}" data-direction="{direction}"' in row
        assert f"{change}%" in row


def test_the_api_gives_the_same_numbers(year, city_leader, city, api_for):
    api = api_for(city_leader)
    body = api.get("/api/v1/analytics/indicators", {"unit": city.pk, **YEAR}).json()
    assert body["counts"] == COUNTS
    got = {r["key"]: (r["numerator"], r["denominator"], r["percent"]) for r in body["rates"]}
    assert got == RATES
    declines = {
        d["key"]: (d["current"], d["previous"], d["change_percent"], d["direction"])
        for d in body["declines"]
    }
    assert declines == DECLINES
    volumes = api.get("/api/v1/analytics/volumes", {"unit": city.pk, **YEAR}).json()["volumes"]
    assert sorted(r["count"] for r in volumes["channel"]) == [4, 6, 10]
    assert sorted(r["count"] for r in volumes["unit"]) == [4, 6, 10]


def test_the_xlsx_reads_back_the_same_numbers(year, city_leader, city, client):
    client.force_login(city_leader)
    response = client.get("/analytics/indicators.xlsx", {"unit": city.pk, **YEAR})
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    counts = {row[0]: row[1] for row in wb.worksheets[0].iter_rows(min_row=2, values_only=True)}
    for key, value in COUNTS.items():
        assert counts[str(indicators.COUNTS[key])] == value
    rates = {r[0]: r[1:] for r in wb.worksheets[1].iter_rows(min_row=2, values_only=True)}
    for key, (num, den, pct) in RATES.items():
        assert rates[str(indicators.RATES[key])] == (num, den, float(pct))
    declines = {r[0]: r[1:4] for r in wb.worksheets[2].iter_rows(min_row=2, values_only=True)}
    for key, (cur, prev, change, _d) in DECLINES.items():
        assert declines[str(indicators.DECLINES[key])] == (cur, prev, float(change))
    # One sheet per table: counts, rates, declines, six volume tables, ranking, hotspots.
    assert len(wb.worksheets) == 11


def test_the_drill_down_lists_what_the_figure_counts(year, city_leader, city, client):
    client.force_login(city_leader)
    r = indicators.report(city_leader, Query(city, Period("year", D(2025, 1, 1), D(2025, 12, 31))))
    for by, rows in r.volumes.items():
        for row in rows:
            html = client.get(
                "/analytics/matters/", {"unit": city.pk, **YEAR, "by": by, "key": row.key}
            ).content.decode()
            assert html.count("data-matter=") == row.count, (by, row.label)
    for key, value in COUNTS.items():
        html = client.get(
            "/analytics/matters/",
            {"unit": city.pk, **YEAR, "by": "flag", "key": "all" if key == "total" else key},
        ).content.decode()
        assert html.count("data-matter=") == value, key


def test_the_ranking_orders_the_townships(year, city_leader, city, township_a, township_b, api_for):
    api = api_for(city_leader)
    body = api.get(
        "/api/v1/analytics/ranking", {"unit": city.pk, **YEAR, "by": "on_time_acceptance"}
    ).json()
    ranked = [(p["rank"], p["unit"]["id"]) for p in body["ranking"] if p["rank"]]
    # Township A accepted all 10 in time (100%), township B none of 6 (0%).
    assert ranked[:2] == [(1, township_a.pk), (2, township_b.pk)]
    # Only the units with figures: the two townships (and the city's departments,
    # which received nothing, are left out) ...
    listed = {p["unit"]["id"] for p in body["ranking"]}
    assert listed == {township_a.pk, township_b.pk}
    # ... every unit one step below with all=1, the ones without figures unranked.
    every = api.get("/api/v1/analytics/ranking", {"unit": city.pk, **YEAR, "all": "1"}).json()
    assert len(every["ranking"]) > 2
    assert all(p["rank"] is None for p in every["ranking"][2:])


def test_the_page_lists_units_with_figures_and_links_to_all(year, city_leader, city, client):
    client.force_login(city_leader)
    html = client.get("/analytics/", {"unit": city.pk, **YEAR}).content.decode()
    table = re.search(r'<table[^>]*id="ranking">(.*?)</table>', html, re.S).group(1)
    assert len(re.findall(r"<tr data-unit=", table)) == 2
    assert 'data-ranking-toggle="all"' in html
    html = client.get("/analytics/", {"unit": city.pk, **YEAR, "all": "1"}).content.decode()
    table = re.search(r'<table[^>]*id="ranking">(.*?)</table>', html, re.S).group(1)
    assert len(re.findall(r"<tr data-unit=", table)) > 2
    assert 'data-ranking-toggle="some"' in html


def test_a_period_is_a_week_month_quarter_or_year(year, city_leader, city, api_for):
    api = api_for(city_leader)
    week = api.get(
        "/api/v1/analytics/indicators", {"unit": city.pk, "period": "week", "on": "2025-03-12"}
    ).json()
    assert week["period"] == {"kind": "week", "from": "2025-03-10", "to": "2025-03-16"}
    assert week["counts"]["total"] == 10
    quarter = api.get(
        "/api/v1/analytics/indicators", {"unit": city.pk, "period": "quarter", "on": "2025-08-01"}
    ).json()
    assert quarter["period"]["from"] == "2025-07-01" and quarter["counts"]["total"] == 4
    bad = api.get("/api/v1/analytics/indicators", {"unit": city.pk, "period": "decade"})
    assert bad.status_code == 400
