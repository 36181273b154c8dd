"""'Which actions may this user take' has one answer (workflow frames'
`allowed`): the pages offer it, the API returns it."""

from xinfang.mediation import services
from xinfang.mediation.workflow import CASE, DISPUTE


def test_the_api_and_the_dispute_page_offer_what_the_frame_allows(
    med, new_dispute, api_for, client
):
    dispute = new_dispute()
    handler = api_for(med["handler_a"]).get(f"/api/v1/disputes/{dispute.pk}").json()
    liaison = api_for(med["liaison_a"]).get(f"/api/v1/disputes/{dispute.pk}").json()

    assert handler["actions"] == [t.name for t in DISPUTE.allowed(med["handler_a"], dispute)]
    assert set(handler["actions"]) == {"route", "case_open"}
    assert liaison["actions"] == []  # the liaison sees it, and may do nothing to it

    client.force_login(med["handler_a"])
    html = client.get(f"/mediation/disputes/{dispute.pk}/").content.decode()
    assert f"/mediation/disputes/{dispute.pk}/route/" in html
    client.force_login(med["liaison_a"])
    html = client.get(f"/mediation/disputes/{dispute.pk}/").content.decode()
    assert f"/mediation/disputes/{dispute.pk}/route/" not in html


def test_the_api_and_the_case_page_offer_what_the_frame_allows(med, new_dispute, api_for, client):
    case = services.case_open(actor=med["handler_a"], dispute_id=new_dispute().pk)
    mediator = api_for(med["room_a"]).get(f"/api/v1/cases/{case.pk}").json()
    handler = api_for(med["handler_a"]).get(f"/api/v1/cases/{case.pk}").json()

    assert set(mediator["actions"]) == {"mediators", "consent", "stop", "fail"}
    assert mediator["actions"] == [t.name for t in CASE.allowed(med["room_a"], case)]
    assert handler["actions"] == ["mediators"]  # who routes assigns; only mediators mediate

    client.force_login(med["handler_a"])
    html = client.get(f"/mediation/cases/{case.pk}/").content.decode()
    assert f"/mediation/cases/{case.pk}/mediators/" in html
    assert f"/mediation/cases/{case.pk}/stop/" not in html
    client.force_login(med["room_a"])
    html = client.get(f"/mediation/cases/{case.pk}/").content.decode()
    assert f"/mediation/cases/{case.pk}/stop/" in html
