"""The map of matters by township (issue 14: "a map of matters by place ... without
an external tile server"): each placed township with its count, the same numbers
in the table beside it, the drill-down links, and a township's own scope."""

import datetime as dt
import json
import re

from xinfang.orgs.models import Level, Unit

YEAR = {"from": "2025-01-01", "to": "2025-12-31"}


def _map(html: str) -> dict:
    found = re.search(r'<script id="analytics-map" type="application/json">(.*?)</script>', html)
    assert found, "no map data on the page"
    return json.loads(found.group(1))


def test_the_demo_townships_carry_approximate_places(demo_tree):
    townships = Unit.objects.filter(level=Level.TOWNSHIP, kind="territorial")
    assert townships.count() == 13
    for t in townships:
        assert 33.0 < t.latitude < 33.6 and 113.2 < t.longitude < 113.8, t.name


def test_the_city_map_counts_each_township(
    make_matters, city_leader, township_a, township_b, village_b, client
):
    make_matters(3, responsible_unit=township_a, received_on=dt.date(2025, 4, 1))
    make_matters(2, place=village_b, responsible_unit=township_b)
    client.force_login(city_leader)
    html = client.get("/analytics/", YEAR).content.decode()
    data = _map(html)
    by_name = {p["name"]: p for p in data["points"]}
    assert len(by_name) == 13 and data["unplaced"] == []
    assert by_name["八台镇"]["count"] == 3 and by_name["枣林镇"]["count"] == 2
    assert by_name["尹集镇"]["count"] == 0
    a = by_name["八台镇"]
    assert a["url"] == f"/analytics/?unit={township_a.pk}&from=2025-01-01&to=2025-12-31"
    # The table beside the map holds the same numbers, with the same drill-downs.
    row = re.search(rf'<tr data-place="{township_a.pk}">(.*?)</tr>', html).group(1)
    assert ">3</a>" in row and "by=township" in row
    # No tile server, no CDN: only the vendored ECharts.
    assert "tile" not in html.lower() and "cdn" not in html.lower()
    # The bubble's drill-down: the township's own dashboard and the matters it counts.
    assert client.get(a["url"]).status_code == 200
    matters = client.get(a["matters_url"]).content.decode()
    assert matters.count("data-matter=") == 3


def test_a_township_maps_only_itself(make_matters, township_leader, township_a, client):
    make_matters(2, responsible_unit=township_a, received_on=dt.date(2025, 4, 1))
    client.force_login(township_leader)
    data = _map(client.get("/analytics/", YEAR).content.decode())
    assert [(p["name"], p["count"]) for p in data["points"]] == [("八台镇", 2)]


def test_a_township_without_a_place_is_named_not_drawn(city_leader, township_b, client):
    Unit.objects.filter(pk=township_b.pk).update(latitude=None, longitude=None)
    client.force_login(city_leader)
    data = _map(client.get("/analytics/", YEAR).content.decode())
    assert "枣林镇" in data["unplaced"]
    assert "枣林镇" not in {p["name"] for p in data["points"]}
