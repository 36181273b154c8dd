import datetime as dt

import pytest

from xinfang.core import calendar

pytestmark = pytest.mark.django_db


def _body(matter, leader, unit, **over):
    body = {
        "petition": matter.pk,
        "owner": leader.pk,
        "unit": unit.pk,
        "person": "王主任",
        "measures": "协调分期支付",
        "standard": "全部支付",
        "target_date": (calendar.today() + dt.timedelta(days=20)).isoformat(),
    }
    body.update(over)
    return body


def test_it_creates_a_plan_once_per_idempotency_key(api_for, matter, leader, demo_tree):
    api = api_for(leader)
    body = _body(matter, leader, demo_tree["410481102"])
    r = api.post("/api/v1/ownership/plans", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert r.status_code == 201, r.content
    assert r.json()["events"][0]["action_label"] == "领导包案（一案一策）"
    again = api.post("/api/v1/ownership/plans", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 200 and again.json()["id"] == r.json()["id"]
    other = api.post(
        "/api/v1/ownership/plans", {**body, "person": "李"}, format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )  # fmt: skip
    assert other.status_code == 409
    dup = api.post("/api/v1/ownership/plans", body, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert dup.status_code == 409


def test_it_answers_400_403_404_409(api_for, matter, leader, outsider, people, demo_tree):
    body = _body(matter, leader, demo_tree["410481102"])
    assert api_for(leader).post("/api/v1/ownership/plans", {}, format="json").status_code == 400
    assert api_for(outsider).post("/api/v1/ownership/plans", body, format="json").status_code == 404
    r = api_for(people["handler"]).post("/api/v1/ownership/plans", body, format="json")
    assert r.status_code == 403
    pk = api_for(leader).post("/api/v1/ownership/plans", body, format="json").json()["id"]
    assert api_for(outsider).get(f"/api/v1/ownership/plans/{pk}").status_code == 404
    url = f"/api/v1/ownership/plans/{pk}/reopen"
    assert api_for(leader).post(url, {"version": 1, "note": "x"}, format="json").status_code == 409
    url = f"/api/v1/ownership/plans/{pk}/progress"
    r = api_for(people["handler"]).post(url, {"version": 1, "note": "x"}, format="json")
    assert r.status_code == 403


def test_it_resolves_and_counts_through_the_api(api_for, matter, leader, outsider, demo_tree):
    api = api_for(leader)
    pk = api.post(
        "/api/v1/ownership/plans", _body(matter, leader, demo_tree["410481102"]), format="json"
    ).json()["id"]
    r = api.post(
        f"/api/v1/ownership/plans/{pk}/resolve",
        {"version": 1, "resolution": "stopped", "note": "息诉"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["state"] == "resolved"
    assert r.json()["resolution_label"] == "息诉罢访"
    stats = api.get("/api/v1/ownership/stats").json()
    assert stats["owned"] == 1 and stats["resolved"] == 1
    assert stats["by_leader"][0]["id"] == leader.pk
    assert api_for(outsider).get("/api/v1/ownership/stats").json()["owned"] == 0
    assert api.get("/api/v1/ownership/plans?owner=me").json()["count"] == 1
    assert api_for(outsider).get("/api/v1/ownership/plans").json()["count"] == 0
    assert api.get("/api/v1/ownership/stats?year=abc").status_code == 400
