"""The API of disputes and cases: token auth, 400/403/404/409, idempotent creates."""

import pypdfium2
import pytest
from rest_framework.test import APIClient

from conftest import PASSWORD
from xinfang.core.documents import FontUnavailable, cjk_font

from .case_fixtures import LAND_COMMITTEE, TERMS


def test_it_needs_a_token(db):
    assert APIClient().get("/api/v1/disputes").status_code in (401, 403)


def test_a_professional_committee_mediates_to_an_agreement_through_the_api(
    api_for, med, new_dispute, travel
):
    travel("2026-09-01")
    township = api_for(med["handler_a"])
    committee = api_for(med["land"])
    outsider = api_for(med["centre_b"])
    dispute = new_dispute(type="land")  # passed up by the village; the meeting sends it on

    assert outsider.get(f"/api/v1/disputes/{dispute.pk}").status_code == 404
    r = township.post(
        f"/api/v1/disputes/{dispute.pk}/route",
        {"to": "committee", "version": dispute.version},
        format="json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["body"]["name"] == "舞钢市土地纠纷人民调解委员会"

    r = committee.post(
        f"/api/v1/disputes/{dispute.pk}/cases",
        {"mediators": [med["roster"]["land"].pk], "version": r.json()["version"]},
        format="json",
    )
    assert r.status_code == 201, r.content
    case = r.json()

    def v(**fields):
        """The step's fields with the case's version as last seen."""
        return {**fields, "version": case["version"]}

    url = f"/api/v1/cases/{case['id']}"
    parties = [p["id"] for p in township.get(f"/api/v1/disputes/{dispute.pk}").json()["parties"]]

    # The township's handler routes but does not mediate: 403. A bad party: 400.
    r = township.post(f"{url}/consent", v(party=parties[0], consented=True), format="json")
    assert r.status_code == 403
    r = committee.post(f"{url}/consent", v(party=999999, consented=True), format="json")
    assert r.status_code == 400 and "party" in r.json()["errors"]
    for party in parties:
        r = committee.post(f"{url}/consent", v(party=party, consented=True), format="json")
        assert r.status_code == 201, r.content
        case = r.json()
    assert r.json()["state"] == "in_progress"
    assert r.json()["deadline"] == "2026-10-08"  # a month ends in National Day

    r = committee.post(
        f"{url}/sessions",
        v(
            present=["张大山", "李小河", "孙调解"],
            signed_by=["张大山", "李小河", "孙调解"],
            record="双方陈述，同意按现状划界。",
        ),
        format="json",
    )
    assert r.status_code == 201 and len(r.json()["sessions"]) == 1
    stale = case["version"]
    case = r.json()
    assert case["version"] > stale
    # A step sent with a version seen before the session: 409, nothing changed.
    r = committee.post(f"{url}/extension", {"agreed_by": parties, "version": stale}, format="json")
    assert r.status_code == 409 and not committee.get(url).json()["extended"]
    # Without a version at all: 428.
    r = committee.post(f"{url}/extension", {"agreed_by": parties}, format="json")
    assert r.status_code == 428 and r.json()["code"] == "PreconditionRequired"
    r = committee.post(f"{url}/extension", v(agreed_by=parties), format="json")
    assert r.status_code == 201 and r.json()["extended"]
    case = r.json()
    r = committee.post(f"{url}/extension", v(agreed_by=parties), format="json")
    assert r.status_code == 409

    travel("2026-09-10")
    r = committee.post(
        f"{url}/outcome",
        v(
            outcome="success",
            form="written",
            facts="双方因承包地边界发生争执。",
            issues="边界走向。",
            responsibilities="双方均有责任。",
            terms=TERMS,
        ),
        format="json",
    )
    assert r.status_code == 201, r.content
    body = case = r.json()
    assert body["state"] == "success"
    assert body["judicial_confirmation"]["window_ends_on"] == "2026-10-10"
    assert body["judicial_confirmation"]["days_left"] == 30
    r = committee.post(
        f"{url}/agreement",
        v(form="oral", facts="x", issues="y", terms=TERMS),
        format="json",
    )
    assert r.status_code == 409

    r = committee.post(f"{url}/follow-ups", v(result="performed"), format="json")
    assert r.status_code == 201
    assert all(t["performed_on"] for t in r.json()["agreement"]["terms"])
    case = r.json()
    r = committee.post(f"{url}/judicial-confirmation", v(court="舞钢市人民法院"), format="json")
    assert r.status_code == 201 and r.json()["judicial_confirmation"]["applied_on"] == "2026-09-10"
    case = r.json()
    r = committee.post(
        f"{url}/judicial-confirmation",
        v(ruling="confirmed", ruling_number="民特1号"),
        format="json",
    )
    assert r.json()["judicial_confirmation"]["ruling"] == "confirmed"

    try:
        cjk_font()
    except FontUnavailable:
        pass
    else:
        r = township.get(f"{url}/agreement.pdf")
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
        text = pypdfium2.PdfDocument(r.content)[0].get_textpage().get_text_range()
        assert "人民调解协议书" in text and "李小河" in text
    assert outsider.get(f"{url}/agreement.pdf").status_code == 404

    r = township.get("/api/v1/mediation/stats", {"from": "2026-01-01", "to": "2026-12-31"})
    total = r.json()["total"]
    assert total["settled"] == 1 and total["settlement_rate"] == "100.0"
    assert total["agreements_performed"] == 1
    assert total["judicial_confirmations"] == {"applied": 1, "confirmed": 1}


def test_create_a_dispute_is_idempotent(api_for, med, travel):
    travel("2026-04-01")
    c = api_for(med["city_centre"])
    payload = {
        "source": "application",
        "type": "labor",
        "place": med["units"]["410481102001"].pk,
        "received_by": med["units"]["410481-TJ"].pk,
        "summary": "拖欠工资",
        "parties": [{"name": "工人甲", "phone": "13812345678"}, {"name": "某公司"}],
    }
    r1 = c.post("/api/v1/disputes", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    r2 = c.post("/api/v1/disputes", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert r1.status_code == 201 and r2.status_code == 200
    assert r1.json()["id"] == r2.json()["id"]
    assert r2["Idempotent-Replayed"] == "true"
    assert r1.json()["parties"][0]["phone"] != "13812345678"  # masked
    # The same key with another body: 409, nothing of the first dispute in it.
    r3 = c.post(
        "/api/v1/disputes",
        {**payload, "summary": "另一件事"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert r3.status_code == 409 and r1.json()["number"] not in r3.content.decode()
    # Another user's same key is theirs alone (keys are scoped to the user).
    other = api_for(med["centre_b"])
    r4 = other.post("/api/v1/disputes", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert r4.status_code != 200 and r1.json()["number"] not in r4.content.decode()
    r = c.post("/api/v1/disputes", {**payload, "parties": []}, format="json")
    assert r.status_code == 400 and any(k.startswith("parties") for k in r.json()["errors"])
    listed = c.get("/api/v1/disputes", {"type": "labor"}).json()
    assert listed["count"] == 1
    assert c.get("/api/v1/disputes", {"state": "nonsense"}).status_code == 400


def test_roster_and_stats_follow_visibility(api_for, med):
    c = api_for(med["land"])
    r = c.get(f"/api/v1/mediation/bodies/{med['units'][LAND_COMMITTEE].pk}/mediators")
    assert r.status_code == 200
    assert {m["name"] for m in r.json()["mediators"]} == {"孙调解", "吴调解"}
    other = med["units"]["410481101-TJ"]
    assert c.get(f"/api/v1/mediation/bodies/{other.pk}/mediators").status_code == 404
    assert c.get("/api/v1/mediation/stats", {"unit": other.pk}).status_code == 404
    assert c.get("/api/v1/mediation/stats", {"from": "2026-13-01"}).status_code == 400


def test_the_schema_lists_the_mediation_endpoints(db, admin_client):
    r = admin_client.get("/api/v1/schema/")
    assert r.status_code == 200
    text = r.content.decode()
    for path in ("/api/v1/disputes", "/api/v1/cases/{id}/{action}", "/api/v1/mediation/stats"):
        assert path in text


@pytest.fixture
def admin_client(db, client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "r@example.org", PASSWORD)
    client.force_login(user)
    return client
