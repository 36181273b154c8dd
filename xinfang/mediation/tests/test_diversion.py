"""A petition diverted to mediation (优先调解) and back keeps both timelines linked."""

import pytest

from xinfang.core.exceptions import Conflict, NotFound, PermissionDenied
from xinfang.mediation import selectors, services
from xinfang.mediation.models import Dispute, DisputeState, Source
from xinfang.petitions.models import PetitionEvent, State

from .case_fixtures import VILLAGE_A, agree, consent_all


def _divert(people, petition, **kw):
    fields = dict(
        actor=people["dispatcher"],
        petition_id=petition.pk,
        type="labor",
        respondents=[{"name": "某建筑公司", "is_organisation": True}],
    )
    fields.update(kw)
    return services.petition_divert(**fields)


def test_a_failed_mediation_resumes_the_petition_both_timelines_linked(
    people, register, med, client, travel
):
    travel("2026-05-11")
    p = register()
    dispute = _divert(people, p)
    assert dispute.source == Source.PETITION and dispute.petition_id == p.pk
    assert dispute.state == DisputeState.ROUTED and dispute.body.code == "410481102001-TJ"
    assert [x.role for x in dispute.parties.all()] == ["applicant", "respondent"]
    divert_event = PetitionEvent.objects.get(petition=p, action="divert_to_mediation")
    assert divert_event.data["dispute"] == dispute.pk and divert_event.public
    mirror = dispute.events.get(action="diverted_from_petition")
    assert mirror.data["petition"] == p.pk and mirror.data["petition_event"] == divert_event.pk
    with pytest.raises(Conflict):
        _divert(people, p)  # already in mediation

    case = services.case_open(actor=med["handler_a"], dispute_id=dispute.pk)
    services.case_record_consent(
        actor=med["room_a"],
        case_id=case.pk,
        party_id=dispute.parties.last().pk,
        consented=False,
    )
    services.petition_resume(actor=people["dispatcher"], dispute_id=dispute.pk, note="调解不成")
    p.refresh_from_db()
    assert p.state == State.REGISTERED  # it goes on where it stood
    actions = list(
        PetitionEvent.objects.filter(petition=p).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["register", "divert_to_mediation", "resume_after_mediation"]
    assert dispute.events.filter(action="petition_resumed").exists()
    with pytest.raises(Conflict):
        services.petition_resume(actor=people["dispatcher"], dispute_id=dispute.pk)

    # Both pages show the other's link and events.
    client.force_login(people["dispatcher"])
    html = client.get(f"/petitions/{p.pk}/").content.decode()
    assert dispute.number in html and f"/mediation/disputes/{dispute.pk}/" in html
    client.force_login(med["handler_a"])
    html = client.get(f"/mediation/disputes/{dispute.pk}/").content.decode()
    assert p.number in html and f"/petitions/{p.pk}/" in html


def test_a_settled_mediation_concludes_the_petition_with_the_agreement(
    people, register, med, client, travel
):
    travel("2026-05-11")
    p = register()
    client.force_login(people["dispatcher"])
    html = client.get(f"/petitions/{p.pk}/").content.decode()
    assert f"/mediation/divert/{p.pk}/" in html
    r = client.post(
        f"/mediation/divert/{p.pk}/",
        {"divert-type": "labor", "divert-respondent": "某建筑公司", "divert-to": "committee"},
    )
    assert r.status_code == 302
    dispute = p.disputes.get()
    assert dispute.body.mediation_type == "labor"
    case = consent_all(services.case_open(actor=med["labor"], dispute_id=dispute.pk), med["labor"])
    agree(case, med["labor"])
    with pytest.raises(PermissionDenied):  # the mediator does not conclude petitions
        services.petition_conclude_by_agreement(actor=med["labor"], dispute_id=dispute.pk)
    r = client.post(f"/mediation/disputes/{dispute.pk}/conclude/", {"petition-note": "已调成"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.state == State.CONCLUDED and p.concluded_reason == "mediation"
    event = PetitionEvent.objects.get(petition=p, action="concluded_by_mediation")
    assert event.data["case_number"] == case.number
    html = client.get(f"/petitions/{p.pk}/").content.decode()
    assert dispute.number in html


def test_only_the_petitions_dispatcher_or_handler_diverts_and_only_before_an_opinion(
    people, register, med
):
    p = register()
    with pytest.raises(NotFound):  # the village room does not see the petition
        _divert(people, p, actor=med["room_a"])
    with pytest.raises(PermissionDenied):  # the supervisor sees it but does not divert
        _divert(people, p, actor=people["supervisor"])
    p.state = State.OPINION_ISSUED
    p.save()
    with pytest.raises(Conflict):
        _divert(people, p)


# --- an accusation is not mediated (law key accusation_confidential) ------------------------------------------


def _accusation(register, med):
    village = med["units"][VILLAGE_A]
    return register(
        purpose="accusation",
        accused_unit=village,
        accused_name="王某",
        place=village,
        summary="检举村主任侵占补偿款",
        content="村主任王某侵占征地补偿款五万元。",
    )


def test_an_accusation_is_not_diverted_to_mediation(people, register, med, travel):
    travel("2026-03-02")
    p = _accusation(register, med)
    with pytest.raises(Conflict) as exc:
        _divert(people, p, type="land", respondents=[{"name": "王某"}])
    assert "信访工作条例" in str(exc.value.message)
    # Nothing reached the mediation network: no dispute the accused village could read.
    assert not Dispute.objects.filter(petition=p).exists()
    assert not selectors.visible_disputes(med["liaison_a"]).filter(summary=p.summary).exists()
    assert not PetitionEvent.objects.filter(petition=p, action="divert_to_mediation").exists()


def test_an_accusations_page_offers_no_diversion_and_says_why(
    people, register, med, client, travel
):
    travel("2026-03-02")
    p = _accusation(register, med)
    client.force_login(people["dispatcher"])
    html = client.get(f"/petitions/{p.pk}/").content.decode()
    assert f"/mediation/divert/{p.pk}/" not in html
    assert "信访工作条例" in html  # the reason, in place of the control
    r = client.post(
        f"/mediation/divert/{p.pk}/",
        {"divert-type": "land", "divert-respondent": "王某", "divert-to": "centre"},
    )
    assert r.status_code == 302 and r["Location"] == f"/petitions/{p.pk}/"
    assert not Dispute.objects.filter(petition=p).exists()
    # An ordinary petition still shows the control.
    other = register()
    html = client.get(f"/petitions/{other.pk}/").content.decode()
    assert f"/mediation/divert/{other.pk}/" in html
