"""An oral agreement put in writing (制作书面协议) before judicial confirmation:
the court confirms a written agreement only (law keys agreement_oral,
agreement_written, judicial_confirmation); the service, the API and the page."""

import pypdfium2
import pytest

from xinfang.core.documents import FontUnavailable, cjk_font
from xinfang.core.exceptions import Conflict, InvalidInput, PermissionDenied
from xinfang.mediation import services
from xinfang.mediation.documents import agreement_pdf
from xinfang.mediation.models import AgreementForm, DisputeEvent, JudicialConfirmation

from .case_fixtures import agree, consent_all, d


def _points_to_writing(message: str) -> bool:
    """The refusal names the action that helps, in whichever language is active."""
    return "Make the written agreement" in message or "制作书面协议" in message


@pytest.fixture
def oral(med, new_dispute, travel):
    """A case at the village's mediation room that ended on 2026-09-01 with an
    oral agreement, recorded."""
    travel("2026-08-20")
    dispute = new_dispute()
    case = consent_all(
        services.case_open(actor=med["handler_a"], dispute_id=dispute.pk), med["room_a"]
    )
    travel("2026-09-01")
    agree(case, med["room_a"], form="oral", responsibilities="")
    case.refresh_from_db()
    return case


def test_a_court_is_not_asked_to_confirm_an_oral_agreement_until_it_is_written(med, oral, travel):
    with pytest.raises(Conflict) as exc:
        services.judicial_apply(actor=med["room_a"], case_id=oral.pk, court="舞钢市人民法院")
    assert _points_to_writing(str(exc.value.message))
    assert not JudicialConfirmation.objects.exists()
    with pytest.raises(Conflict):  # no 协议书 to print either
        agreement_pdf(oral.agreement, user=med["room_a"])

    travel("2026-09-03")
    with pytest.raises(InvalidInput) as bad:  # before the oral agreement: nothing changes
        services.agreement_put_in_writing(
            actor=med["room_a"], case_id=oral.pk, signed_on=d("2026-08-31")
        )
    assert "signed_on" in bad.value.field_errors
    with pytest.raises(PermissionDenied):  # a township handler does not mediate
        services.agreement_put_in_writing(actor=med["handler_a"], case_id=oral.pk)

    agreement = services.agreement_put_in_writing(actor=med["room_a"], case_id=oral.pk)
    agreement.refresh_from_db()
    assert agreement.form == AgreementForm.WRITTEN
    assert agreement.reached_orally_on == d("2026-09-01")
    assert agreement.signed_on == agreement.effective_on == d("2026-09-03")
    # The recorded text, word for word; the window runs from the signature.
    assert agreement.facts == "双方系邻居，因宅基地边界围墙发生争执。"
    assert agreement.responsibilities == ""
    assert [t.text for t in agreement.terms.all()][0] == "李小河拆除越界围墙"
    assert agreement.judicial_confirmation.window_ends_on == d("2026-10-08")  # 10-03 in the holiday
    event = DisputeEvent.objects.filter(action="agreement_written").get()
    assert event.data["reached_orally_on"] == "2026-09-01"
    assert event.data["window_ends_on"] == "2026-10-08"
    # The dispute still counts as settled on the day it was agreed.
    oral.refresh_from_db()
    assert oral.ended_on == d("2026-09-01")

    with pytest.raises(Conflict):
        services.agreement_put_in_writing(actor=med["room_a"], case_id=oral.pk)
    jc = services.judicial_apply(actor=med["room_a"], case_id=oral.pk, court="舞钢市人民法院")
    assert jc.applied_on == d("2026-09-03")


def test_the_written_agreement_says_it_was_reached_orally(med, oral, travel):
    try:
        cjk_font()
    except FontUnavailable as exc:
        pytest.skip(str(exc))
    travel("2026-09-03")
    agreement = services.agreement_put_in_writing(actor=med["room_a"], case_id=oral.pk)
    doc = pypdfium2.PdfDocument(agreement_pdf(agreement, user=med["room_a"]))
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    text = text.replace("\r", "").replace("\n", "")
    assert "2026年9月1日达成" in text
    assert "一式三份" in text


def test_the_api_refuses_then_offers_putting_it_in_writing(api_for, med, oral, travel):
    travel("2026-09-03")
    api = api_for(med["room_a"])
    url = f"/api/v1/cases/{oral.pk}"
    body = api.get(url).json()
    assert body["agreement"]["form"] == "oral" and body["agreement"]["copies"] == []
    court = {"court": "舞钢市人民法院", "version": body["version"]}
    r = api.post(f"{url}/judicial-confirmation", court, format="json")
    assert r.status_code == 409 and _points_to_writing(r.content.decode())
    assert api.get(f"{url}/agreement.pdf").status_code == 409

    r = api.post(
        f"{url}/put-in-writing",
        {"signed_on": "2026-09-02", "version": body["version"]},
        format="json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["agreement"]["form"] == "written"
    assert body["agreement"]["reached_orally_on"] == "2026-09-01"
    assert [c["holder"] for c in body["agreement"]["copies"]] == [
        "甲方张大山收执",
        "乙方李小河收执",
        f"{body['agreement']['committee']}留存",
    ]
    assert body["agreement"]["committee"].endswith("人民调解委员会")
    assert body["judicial_confirmation"]["window_ends_on"] == "2026-10-08"
    r = api.post(f"{url}/put-in-writing", {"version": body["version"]}, format="json")
    assert r.status_code == 409
    court["version"] = body["version"]
    r = api.post(f"{url}/judicial-confirmation", court, format="json")
    assert r.status_code == 201, r.content
    try:
        cjk_font()
    except FontUnavailable:
        return
    assert api.get(f"{url}/agreement.pdf?copy=3").status_code == 200
    assert api.get(f"{url}/agreement.pdf?copy=4").status_code == 404
    assert api.get(f"{url}/agreement.pdf?copy=x").status_code == 404


def test_the_case_page_offers_putting_it_in_writing(med, oral, travel, client):
    travel("2026-09-03")
    client.force_login(med["room_a"])
    url = f"/mediation/cases/{oral.pk}/"
    html = client.get(url).content.decode()
    assert "data-oral-agreement" in html
    assert f"{url}put_in_writing/" in html
    assert "agreement.pdf" not in html
    r = client.post(f"{url}judicial_apply/", {"judicial_apply-court": "舞钢市人民法院"})
    assert r.status_code == 409
    assert "put_in_writing/" in r.content.decode()  # the refusal shows the way

    r = client.post(f"{url}put_in_writing/", {"put_in_writing-signed_on": ""})
    assert r.status_code == 302, r.content.decode()[:2000]
    html = client.get(url).content.decode()
    assert "data-oral-agreement" not in html
    assert "data-judicial-window" in html and "2026-10-08" in html
    assert "data-agreement-copies" in html and "agreement.pdf?copy=3" in html
    r = client.post(f"{url}judicial_apply/", {"judicial_apply-court": "舞钢市人民法院"})
    assert r.status_code == 302
