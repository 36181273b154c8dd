"""The screening, ledger and meeting API: token auth, Idempotency-Key, 403/404/409."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from xinfang.mediation.models import Dispute, DisputeEvent, Meeting, ScreeningReport
from xinfang.orgs.demo import TOWNSHIP_A, TOWNSHIP_B

from .screening_fixtures import VILLAGE_A1, VILLAGE_A2, VILLAGE_B1

pytestmark = pytest.mark.django_db

REPORT = {
    "disputes": [
        {
            "type": "neighbour",
            "summary": "宅基地边界争执",
            "parties": [{"name": "王大山"}, {"name": "李小河", "role": "respondent"}],
            "outcome": "resolved",
            "how_resolved": "现场丈量，双方认可",
        },
        {
            "type": "labor",
            "risk": "medium",
            "summary": "工地拖欠三名村民工资",
            "parties": [{"name": "赵铁柱"}, {"name": "钱老板", "role": "respondent"}],
            "outcome": "passed_up",
        },
    ]
}


def test_a_report_is_created_and_a_resend_with_the_same_key_replays_it(api_for, med, travel):
    travel("2026-03-10")
    api = api_for(med["liaison_a"])

    first = api.post("/api/v1/screening/reports", REPORT, format="json", HTTP_IDEMPOTENCY_KEY="abc")
    again = api.post("/api/v1/screening/reports", REPORT, format="json", HTTP_IDEMPOTENCY_KEY="abc")

    assert first.status_code == 201 and first.json()["result"] == "created"
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert len(first.json()["disputes"]) == 2
    assert ScreeningReport.objects.count() == 1 and Dispute.objects.count() == 2


def test_a_second_report_of_the_day_is_added_with_200(api_for, med, travel):
    travel("2026-03-10")
    api = api_for(med["liaison_a"])
    api.post("/api/v1/screening/reports", {"nil": True}, format="json", HTTP_IDEMPOTENCY_KEY="1")

    r = api.post("/api/v1/screening/reports", REPORT, format="json", HTTP_IDEMPOTENCY_KEY="2")

    assert r.status_code == 200 and r.json()["result"] == "added"
    assert r.json()["nil"] is False and len(r.json()["disputes"]) == 2


def test_a_nil_return(api_for, med, travel):
    travel("2026-03-10")

    r = api_for(med["liaison_a"]).post("/api/v1/screening/reports", {"nil": True}, format="json")

    assert r.status_code == 201 and r.json()["nil"] is True and r.json()["disputes"] == []


def test_reporting_for_another_village_is_refused_and_nothing_is_stored(
    api_for, med, demo_tree, travel
):
    travel("2026-03-10")
    body = {**REPORT, "village": demo_tree[VILLAGE_A2].pk}

    unseen = api_for(med["liaison_a"]).post("/api/v1/screening/reports", body, format="json")
    not_liaison = api_for(med["handler_a"]).post(
        "/api/v1/screening/reports", {**REPORT, "village": demo_tree[VILLAGE_A1].pk}, format="json"
    )

    assert unseen.status_code == 404
    assert not_liaison.status_code == 403
    assert not ScreeningReport.objects.exists() and not Dispute.objects.exists()


def test_bad_input_is_a_400_naming_the_field(api_for, med, travel):
    travel("2026-03-10")
    body = {
        "disputes": [{**REPORT["disputes"][0], "how_resolved": ""}],
        "report_date": "2026-03-11",
    }

    r = api_for(med["liaison_a"]).post("/api/v1/screening/reports", body, format="json")

    assert r.status_code == 400
    assert {"disputes[0].how_resolved", "report_date"} <= set(r.json()["errors"])


@pytest.fixture
def reported(api_for, med, travel):
    travel("2026-03-10")
    api_for(med["liaison_a"]).post("/api/v1/screening/reports", REPORT, format="json")
    api_for(med["liaison_b1"]).post(
        "/api/v1/screening/reports",
        {"disputes": [{**REPORT["disputes"][1], "summary": "枣林的纠纷"}]},
        format="json",
    )


def test_the_ledger_lists_and_exports_only_the_users_townships(api_for, med, demo_tree, reported):
    a = api_for(med["handler_a"])

    page = a.get("/api/v1/ledger").json()
    other = a.get("/api/v1/ledger", {"township": demo_tree[TOWNSHIP_B].pk})
    xlsx = a.get("/api/v1/ledger.xlsx")
    bad = a.get("/api/v1/ledger", {"overdue": "1", "risk": "extreme"})

    assert page["count"] == 1 and page["results"][0]["summary"] == "工地拖欠三名村民工资"
    assert page["results"][0]["applicants"] == ["赵铁柱"]
    assert other.status_code == 404
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert [r[7].value for r in ws.iter_rows(min_row=4)] == ["工地拖欠三名村民工资"]
    assert bad.status_code == 400 and "risk" in bad.json()["errors"]
    city = api_for(med["city_leader"]).get("/api/v1/ledger").json()
    assert city["count"] == 2


def test_missing_reports_of_a_day_and_a_week(api_for, med, demo_tree, reported):
    a = api_for(med["handler_a"])
    township = demo_tree[TOWNSHIP_A].pk

    day = a.get("/api/v1/screening/missing", {"township": township}).json()
    week = a.get("/api/v1/screening/missing", {"township": township, "week": "2026-03-10"}).json()
    other = a.get("/api/v1/screening/missing", {"township": demo_tree[TOWNSHIP_B].pk})

    assert [v["name"] for v in day["villages"]] == [
        demo_tree[TOWNSHIP_A + f"{i:03d}"].name for i in (2, 3, 4)
    ]
    assert week["week_start"] == "2026-03-09"
    village_1 = next(v for v in week["villages"] if v["village"]["id"] == demo_tree[VILLAGE_A1].pk)
    assert village_1["days"] == ["2026-03-09"]
    assert other.status_code == 404


def test_the_screening_reports_list_is_scoped(api_for, med, demo_tree, reported):
    mine = api_for(med["liaison_a"]).get("/api/v1/screening/reports").json()
    township_b = api_for(med["handler_b"]).get("/api/v1/screening/reports").json()

    assert [r["village"]["id"] for r in mine["results"]] == [demo_tree[VILLAGE_A1].pk]
    assert mine["results"][0]["passed_up_count"] == 1
    assert [r["village"]["id"] for r in township_b["results"]] == [demo_tree[VILLAGE_B1].pk]
    rid = mine["results"][0]["id"]
    assert api_for(med["handler_b"]).get(f"/api/v1/screening/reports/{rid}").status_code == 404


def test_a_meeting_through_the_api(api_for, med, demo_tree, reported, travel):
    travel("2026-03-13")
    a = api_for(med["handler_a"])

    created = a.post(
        "/api/v1/meetings",
        {"township": demo_tree[TOWNSHIP_A].pk, "chair": "陈志强"},
        format="json",
    )
    twice = a.post("/api/v1/meetings", {"township": demo_tree[TOWNSHIP_A].pk}, format="json")
    m = created.json()
    item = m["agenda"][0]
    decided = a.post(
        f"/api/v1/meetings/{m['id']}/items/{item['id']}/decision",
        {
            "classified_type": "labor",
            "body": next(b["value"] for b in m["bodies"] if b["value"] != "township"),
            "responsible_leader": med["leader_a"].pk,
            "responsible_person": "张伟",
            "deadline": "2026-03-27",
            "version": m["version"],
        },
        format="json",
    )
    text = {"chair": "陈志强", "attendees": "陈志强、张伟", "minutes": "研究了台账。"}
    unversioned = a.put(f"/api/v1/meetings/{m['id']}/minutes", text, format="json")
    stale = a.put(
        f"/api/v1/meetings/{m['id']}/minutes", {**text, "version": m["version"]}, format="json"
    )  # the decision came in between
    minutes = a.put(
        f"/api/v1/meetings/{m['id']}/minutes",
        {**text, "version": decided.json()["version"]},
        format="json",
    )
    closed = a.post(
        f"/api/v1/meetings/{m['id']}/close", {"version": minutes.json()["version"]}, format="json"
    )
    after = a.put(
        f"/api/v1/meetings/{m['id']}/minutes",
        {"minutes": "改", "version": closed.json()["version"]},
        format="json",
    )

    assert created.status_code == 201
    assert [i["reason"] for i in m["agenda"]] == ["new"]
    assert twice.status_code == 409
    assert decided.status_code == 200
    assert decided.json()["agenda"][0]["responsible_person"] == "张伟"
    assert unversioned.status_code == 428 and stale.status_code == 409
    assert minutes.status_code == 200
    assert closed.status_code == 200 and closed.json()["closed"] is True
    assert after.status_code == 409
    d = Dispute.objects.get(pk=item["dispute"]["id"])
    assert d.deadline == dt.date(2026, 3, 27) and d.responsible_leader == med["leader_a"]
    assert DisputeEvent.objects.filter(dispute=d, action="meeting_decision").count() == 1
    assert Meeting.objects.count() == 1
    b = api_for(med["handler_b"])
    assert b.get(f"/api/v1/meetings/{m['id']}").status_code == 404
    assert api_for(med["centre_a"]).post(
        "/api/v1/meetings", {"township": demo_tree[TOWNSHIP_A].pk, "held_on": "2026-03-06"},
        format="json",
    ).status_code == 403  # fmt: skip


def test_the_schema_documents_the_endpoints(api_for, med):
    r = api_for(med["handler_a"]).get("/api/v1/schema/")

    text = r.content.decode()
    assert r.status_code == 200
    for path in ("/api/v1/screening/reports", "/api/v1/ledger.xlsx", "/api/v1/meetings/{id}/close"):
        assert path in text


def test_the_same_key_with_another_report_is_a_409_and_expires_after_a_day(api_for, med, travel):
    # core.idempotency: a key answers only the request it came with, for 24 hours.
    travel("2026-03-10")
    api = api_for(med["liaison_a"])
    first = api.post("/api/v1/screening/reports", REPORT, format="json", HTTP_IDEMPOTENCY_KEY="k")
    other = {"disputes": REPORT["disputes"][:1]}

    reused = api.post("/api/v1/screening/reports", other, format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert reused.status_code == 409 and reused.json()["code"] == "IdempotencyKeyReused"
    assert "disputes" not in reused.json() and Dispute.objects.count() == 2
    travel("2026-03-11", hour=10)  # 25 hours on: the key is free again
    api = api_for(med["liaison_a"])  # the phone logs in again: its token ended
    later = api.post("/api/v1/screening/reports", other, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert later.status_code == 201 and later.json()["id"] != first.json()["id"]


def test_an_added_report_replays_and_refuses_by_its_disputes_key(api_for, med, travel):
    # A second report for the same village and day is keyed on its disputes.
    travel("2026-03-10")
    api = api_for(med["liaison_a"])
    api.post("/api/v1/screening/reports", REPORT, format="json", HTTP_IDEMPOTENCY_KEY="am")
    more = {"disputes": REPORT["disputes"][1:]}
    added = api.post("/api/v1/screening/reports", more, format="json", HTTP_IDEMPOTENCY_KEY="pm")
    again = api.post("/api/v1/screening/reports", more, format="json", HTTP_IDEMPOTENCY_KEY="pm")
    changed = api.post(
        "/api/v1/screening/reports", REPORT, format="json", HTTP_IDEMPOTENCY_KEY="pm"
    )

    assert added.json()["result"] == "added" and again.status_code == 200
    assert changed.status_code == 409 and Dispute.objects.count() == 3
    travel("2026-03-11", hour=10)  # a day on, the key makes the new day's report
    api = api_for(med["liaison_a"])  # the phone logs in again: its token ended
    later = api.post("/api/v1/screening/reports", more, format="json", HTTP_IDEMPOTENCY_KEY="pm")
    assert later.status_code == 201 and Dispute.objects.count() == 4
