"""/api/v1/hearings: create with Idempotency-Key, detail with masked phones,
actions with 400/403/404/409, the minutes PDF, the OpenAPI schema."""

import datetime as dt

import pytest

from xinfang.core import calendar
from xinfang.core.documents import FontUnavailable, cjk_font

from .hearings_fixtures import PARTICIPANTS

pytestmark = pytest.mark.django_db


def _body(matter, **over):
    body = {
        "petition": matter.pk,
        "date": (calendar.today() + dt.timedelta(days=3)).isoformat(),
        "place": "八台镇政府三楼会议室",
        "host": "王副镇长",
        "participants": PARTICIPANTS,
    }
    body.update(over)
    return body


def test_it_creates_a_hearing_once_per_idempotency_key(api_for, matter, leader):
    api = api_for(leader)
    r = api.post("/api/v1/hearings", _body(matter), format="json", HTTP_IDEMPOTENCY_KEY="h-1")
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["kind"] == "evaluation" and data["pauses_clock"] is False
    assert data["events"][0]["action_label"] == "安排听证评议"
    assert data["participants"][0]["phone"] == "138****1111"
    assert "13800001111" not in r.content.decode()
    again = api.post("/api/v1/hearings", _body(matter), format="json", HTTP_IDEMPOTENCY_KEY="h-1")
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert again["Idempotent-Replayed"] == "true"
    other = api.post("/api/v1/hearings", _body(matter, host="李"), format="json",
                     HTTP_IDEMPOTENCY_KEY="h-1")  # fmt: skip
    assert other.status_code == 409
    dup = api.post("/api/v1/hearings", _body(matter), format="json", HTTP_IDEMPOTENCY_KEY="h-2")
    assert dup.status_code == 409  # one scheduled hearing per matter


def test_it_answers_400_403_404_409(api_for, matter, leader, outsider, people):
    assert api_for(leader).post("/api/v1/hearings", {}, format="json").status_code == 400
    body = _body(matter)
    assert api_for(outsider).post("/api/v1/hearings", body, format="json").status_code == 404
    assert api_for(people["clerk"]).post("/api/v1/hearings", body, format="json").status_code == 403
    pk = api_for(leader).post("/api/v1/hearings", body, format="json").json()["id"]
    assert api_for(outsider).get(f"/api/v1/hearings/{pk}").status_code == 404
    assert api_for(leader).get(f"/api/v1/hearings/{pk}/minutes.pdf").status_code == 409
    r = api_for(leader).post(f"/api/v1/hearings/{pk}/issue", {"version": 1}, format="json")
    assert r.status_code == 409
    r = api_for(people["clerk"]).post(f"/api/v1/hearings/{pk}/cancel",
                                      {"version": 1, "reason": "x"}, format="json")  # fmt: skip
    assert r.status_code == 403
    r = api_for(leader).post(f"/api/v1/hearings/{pk}/cancel", {"reason": "x"}, format="json")
    assert r.status_code == 428  # the version is required
    assert api_for(leader).post(f"/api/v1/hearings/{pk}/nope", {"version": 1},
                                format="json").status_code == 404  # fmt: skip


def test_it_holds_the_hearing_and_serves_the_minutes(api_for, matter, leader, outsider):
    api = api_for(leader)
    h = api.post("/api/v1/hearings", _body(matter), format="json").json()
    attendance = [{"id": p["id"], "attended": True, "view": "同意。"} for p in h["participants"]]
    r = api.post(f"/api/v1/hearings/{h['id']}/hold",
                 {"version": h["version"], "conclusion": "评议通过。", "attendance": attendance},
                 format="json")  # fmt: skip
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "held" and r.json()["actions"] == ["issue"]
    listed = api.get("/api/v1/hearings", {"petition": matter.pk}).json()
    assert listed["count"] == 1 and listed["results"][0]["state_label"] == "已举行"
    assert api_for(outsider).get("/api/v1/hearings").json()["count"] == 0
    try:
        cjk_font()
    except FontUnavailable:
        return
    pdf = api.get(f"/api/v1/hearings/{h['id']}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"


def test_the_schema_lists_the_hearing_paths(api_for, leader):
    r = api_for(leader).get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    if r.status_code == 404:
        pytest.skip("no schema route")
    text = r.content.decode()
    for path in ("/api/v1/hearings", "/api/v1/hearings/{id}/{action}",
                 "/api/v1/hearings/{id}/minutes.pdf"):  # fmt: skip
        assert path in text, path
