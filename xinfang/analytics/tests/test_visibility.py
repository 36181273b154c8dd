"""Acceptance 5 of issue 14: a township user sees only its own figures and
drill-downs; the accused unit's users never count or see an accusation."""

import datetime as dt

import pytest

YEAR = {"from": "2025-01-01", "to": "2025-12-31"}


@pytest.fixture
def matters(make_matters, township_a, township_b, village_b, city):
    own = make_matters(3, responsible_unit=township_a, received_on=dt.date(2025, 4, 1))
    other = make_matters(5, place=village_b, responsible_unit=township_b)
    accusation = make_matters(
        1,
        purpose="accusation",
        accusation=True,
        accused_unit=township_a,
        responsible_unit=city,
        summary="举报八台镇干部",
        received_on=dt.date(2025, 4, 1),
    )[0]
    return own, other, accusation


def test_a_township_sees_only_its_own_figures(matters, township_leader, township_a, api_for):
    api = api_for(township_leader)
    body = api.get("/api/v1/analytics/indicators", YEAR).json()
    assert body["unit"]["id"] == township_a.pk  # the township's dashboard by default
    assert body["counts"]["total"] == 3  # its own three; not B's, not the accusation


def test_another_unit_is_not_found(matters, township_leader, city, township_b, client, api_for):
    api = api_for(township_leader)
    for unit in (city, township_b):
        assert api.get("/api/v1/analytics/indicators", {"unit": unit.pk}).status_code == 404
        assert api.get("/api/v1/analytics/ranking", {"unit": unit.pk}).status_code == 404
    client.force_login(township_leader)
    assert client.get("/analytics/", {"unit": city.pk}).status_code == 404
    assert client.get("/analytics/matters/", {"unit": township_b.pk}).status_code == 404


def test_the_accused_unit_never_counts_or_sees_the_accusation(
    matters, township_leader, city_leader, township_a, city, client, api_for
):
    _own, _other, accusation = matters
    # The city counts it (the city handles it)...
    city_body = api_for(city_leader).get("/api/v1/analytics/indicators", YEAR).json()
    assert city_body["counts"]["total"] == 9
    # ...the accused township neither counts it nor finds it behind any figure.
    client.force_login(township_leader)
    for by, key in [("flag", "all"), ("purpose", "accusation"), ("township", township_a.pk)]:
        html = client.get(
            "/analytics/matters/", {"unit": township_a.pk, **YEAR, "by": by, "key": key}
        ).content.decode()
        assert f'data-matter="{accusation.pk}"' not in html
        assert "举报八台镇干部" not in html
    volumes = api_for(township_leader).get("/api/v1/analytics/volumes", YEAR).json()["volumes"]
    assert "accusation" not in {r["key"] for r in volumes["purpose"]}


def test_a_handler_without_the_right_reads_no_figures(matters, people, client, api_for):
    assert api_for(people["handler"]).get("/api/v1/analytics/indicators").status_code == 404
    client.force_login(people["handler"])
    assert client.get("/analytics/").status_code == 404


def test_the_city_leader_drills_down_to_a_township(matters, city_leader, township_a, client):
    client.force_login(city_leader)
    html = client.get("/analytics/", YEAR).content.decode()
    assert f'href="?unit={township_a.pk}&amp;from=2025-01-01&amp;to=2025-12-31"' in html
    page = client.get("/analytics/", {"unit": township_a.pk, **YEAR})
    assert page.status_code == 200
    assert 'data-count="total" ' in page.content.decode()
