"""Pages of disputes and cases: thin views over the services, 404 for outsiders."""

import pytest

from xinfang.mediation import services
from xinfang.mediation.models import CaseState, Dispute

from .case_fixtures import LAND_COMMITTEE, TERMS


@pytest.fixture
def login(client):
    def as_(user):
        client.force_login(user)
        return client

    return as_


def test_the_list_shows_what_the_user_sees_and_filters(med, new_dispute, login):
    new_dispute(type="land", summary="土地边界")
    new_dispute(type="family", summary="赡养老人")
    c = login(med["handler_a"])
    html = c.get("/mediation/disputes/").content.decode()
    assert "土地边界" in html and "赡养老人" in html
    html = c.get("/mediation/disputes/", {"type": "family"}).content.decode()
    assert "土地边界" not in html and "赡养老人" in html
    html = login(med["handler_b"]).get("/mediation/disputes/").content.decode()
    assert "土地边界" not in html


def test_outsiders_get_404_on_dispute_case_and_pdf(med, new_dispute, login):
    dispute = new_dispute()
    case = services.case_open(actor=med["handler_a"], dispute_id=dispute.pk)
    c = login(med["centre_b"])
    assert c.get(f"/mediation/disputes/{dispute.pk}/").status_code == 404
    assert c.get(f"/mediation/cases/{case.pk}/").status_code == 404
    assert c.get(f"/mediation/cases/{case.pk}/agreement.pdf").status_code == 404
    assert c.post(f"/mediation/disputes/{dispute.pk}/route/", {}).status_code == 404


def test_the_dispute_page_masks_parties_and_routes(med, new_dispute, login):
    dispute = new_dispute(type="land")
    c = login(med["handler_a"])
    html = c.get(f"/mediation/disputes/{dispute.pk}/").content.decode()
    assert "13812345678" not in html and "138****5678" in html
    assert "11010519491231002X" not in html
    r = c.post(
        f"/mediation/disputes/{dispute.pk}/route/",
        {"route-to": "committee", "route-version": dispute.version},
    )
    assert r.status_code == 302
    dispute.refresh_from_db()
    assert dispute.body.code == LAND_COMMITTEE
    # A stale version is a conflict, shown on the page.
    r = c.post(
        f"/mediation/disputes/{dispute.pk}/route/",
        {"route-to": "centre", "route-version": 1},
    )
    assert r.status_code == 409


def test_register_a_direct_application_from_the_page(med, login, travel):
    travel("2026-04-01")
    c = login(med["city_centre"])
    page = c.get("/mediation/disputes/register/")
    assert page.status_code == 200
    data = {
        "idempotency_key": "k-1",
        "source": "application",
        "received_by": med["units"]["410481-TJ"].pk,
        "place": med["units"]["410481102001"].pk,
        "type": "labor",
        "risk": "low",
        "summary": "拖欠工资三个月",
        "p0-name": "工人甲",
        "p1-name": "某建筑公司",
        "p1-is_organisation": "on",
        "route_now": "on",
    }
    r = c.post("/mediation/disputes/register/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    again = c.post("/mediation/disputes/register/", data)
    assert again.status_code == 302 and again["Location"] == r["Location"]
    d = Dispute.objects.get(summary="拖欠工资三个月")
    assert d.body.code == "410481102001-TJ" and d.parties.count() == 2
    # The same token with other content is not a resend: refused, with a new token.
    reused = c.post("/mediation/disputes/register/", {**data, "summary": "另一件事"})
    assert reused.status_code == 409 and "此表单已用不同内容提交过" in reused.content.decode()
    assert 'value="k-1"' not in reused.content.decode() and Dispute.objects.count() == 1
    r = c.post(
        "/mediation/disputes/register/",
        {**data, "idempotency_key": "k-2", "p0-name": "", "p1-name": ""},
    )
    assert r.status_code == 400
    assert login(med["liaison_a"]).get("/mediation/disputes/register/").status_code == 403


def test_the_case_page_walks_consent_session_agreement_and_follow_up(
    med, new_dispute, login, travel
):
    travel("2026-09-01")
    dispute = new_dispute()
    case = services.case_open(
        actor=med["handler_a"], dispute_id=dispute.pk, body=med["units"][LAND_COMMITTEE]
    )
    c = login(med["land"])
    url = f"/mediation/cases/{case.pk}/"
    first, second = dispute.parties.all()
    for party in (first, second):
        r = c.post(
            f"{url}consent-{party.pk}/",
            {
                f"consent-{party.pk}-party": party.pk,
                f"consent-{party.pk}-consented": "1",
                f"consent-{party.pk}-how": "written",
            },
        )
        assert r.status_code == 302, r.content.decode()[:3000]
    html = c.get(url).content.decode()
    assert "2026-10-08" in html  # the month, moved past National Day
    r = c.post(
        f"{url}session/",
        {
            "session-present": "张大山、李小河",
            "session-signed_by": "张大山、王五",
            "session-record": "x",
        },
    )
    assert r.status_code == 400 and "王五" in r.content.decode()
    r = c.post(f"{url}mediators/", {"mediators-mediators": [med["roster"]["land"].pk]})
    assert r.status_code == 302
    data = {
        "agreement-form": "written",
        "agreement-facts": "事实",
        "agreement-issues": "争议",
        "agreement-responsibilities": "责任",
    }
    for i, t in enumerate(TERMS):
        data.update({f"agreement-term_{i}_{k}": v for k, v in t.items()})
    r = c.post(f"{url}agreement/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    case.refresh_from_db()
    assert case.state == CaseState.SUCCESS
    html = c.get(url).content.decode()
    assert "data-judicial-window" in html and "2026-10-08" in html
    assert "agreement.pdf" in html
    r = c.post(f"{url}follow_up/", {"follow_up-result": "performed"})
    assert r.status_code == 302
    r = c.post(f"{url}judicial_apply/", {"judicial_apply-court": "舞钢市人民法院"})
    assert r.status_code == 302
    # Someone outside the body sees the case through the dispute but may not act: 403.
    r = login(med["handler_a"]).post(f"{url}follow_up/", {"follow_up-result": "performed"})
    assert r.status_code == 403


def test_a_refusal_on_the_page_shows_the_routes(med, new_dispute, login):
    dispute = new_dispute()
    case = services.case_open(actor=med["handler_a"], dispute_id=dispute.pk)
    party = dispute.parties.first()
    c = login(med["room_a"])
    r = c.post(
        f"/mediation/cases/{case.pk}/consent-{party.pk}/",
        {
            f"consent-{party.pk}-party": party.pk,
            f"consent-{party.pk}-consented": "0",
            f"consent-{party.pk}-how": "oral",
        },
    )
    assert r.status_code == 302
    html = c.get(f"/mediation/cases/{case.pk}/").content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.FAILURE
    assert "arbitration" in html.lower() or "仲裁" in html


def test_roster_pages_and_the_start_panel(med, login):
    c = login(med["land"])
    html = c.get("/mediation/mediators/").content.decode()
    assert "舞钢市土地纠纷人民调解委员会" in html
    html = c.get(f"/mediation/mediators/{med['units'][LAND_COMMITTEE].pk}/").content.decode()
    assert "孙调解" in html and "吴调解" in html
    assert c.get(f"/mediation/mediators/{med['units']['410481101-TJ'].pk}/").status_code == 404
    start = c.get("/start/mediator/")
    if start.status_code == 200:
        assert "mediation/disputes" in start.content.decode()


def test_the_statistics_page_answers_bad_dates_with_400(med, login):
    c = login(med["handler_a"])
    assert c.get("/mediation/statistics/").status_code == 200
    assert c.get("/mediation/statistics/", {"from": "nonsense"}).status_code == 400
