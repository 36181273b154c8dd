"""Routing, escalation and the life of a mediation case (services)."""

import datetime as dt

import pytest

from xinfang.core import calendar
from xinfang.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.mediation import selectors, services
from xinfang.mediation.models import (
    CaseState,
    DisputeEvent,
    DisputeState,
    FailureReason,
    JudicialConfirmation,
)

from .case_fixtures import CENTRE_A, CITY_CENTRE, LAND_COMMITTEE, ROOM_A, agree, consent_all, d


def test_it_routes_to_the_centre_of_the_level_where_it_arose(med, new_dispute):
    dispute = new_dispute(type="neighbour")
    services.dispute_route(actor=med["handler_a"], dispute_id=dispute.pk)
    dispute.refresh_from_db()
    assert dispute.body.code == ROOM_A
    assert dispute.state == DisputeState.ROUTED
    assert dispute.current_level == "village"


def test_it_routes_to_the_professional_committee_of_the_type(med, new_dispute):
    dispute = new_dispute(type="land")
    services.dispute_route(actor=med["handler_a"], dispute_id=dispute.pk, to="committee")
    dispute.refresh_from_db()
    assert dispute.body.code == LAND_COMMITTEE
    assert dispute.body.mediation_type == "land"
    assert dispute.current_level == "city"


def test_a_type_without_committee_cannot_go_to_one(med, new_dispute):
    dispute = new_dispute(type="family")
    with pytest.raises(InvalidInput) as exc:
        services.dispute_route(actor=med["handler_a"], dispute_id=dispute.pk, to="committee")
    assert "to" in exc.value.field_errors


def test_a_body_outside_the_disputes_place_is_refused(med, new_dispute):
    dispute = new_dispute()
    with pytest.raises(InvalidInput):
        services.dispute_route(
            actor=med["handler_a"], dispute_id=dispute.pk, body=med["units"]["410481101-TJ"]
        )


def test_routing_rights_follow_the_territory(med, new_dispute):
    dispute = new_dispute()
    with pytest.raises(NotFound):  # township B's handler does not see township A's dispute
        services.dispute_route(actor=med["handler_b"], dispute_id=dispute.pk)
    with pytest.raises(PermissionDenied):  # the liaison sees it but does not route
        services.dispute_route(actor=med["liaison_a"], dispute_id=dispute.pk)


def test_escalation_goes_village_township_city_and_is_recorded(med, new_dispute, travel):
    travel("2026-03-02")
    dispute = new_dispute(type="neighbour")
    first = services.case_open(actor=med["handler_a"], dispute_id=dispute.pk)
    assert first.body.code == ROOM_A and first.level == "village"

    second = services.dispute_escalate(
        actor=med["room_a"], dispute_id=dispute.pk, note="村里调不下来"
    )
    first.refresh_from_db()
    dispute.refresh_from_db()
    assert first.state == CaseState.ESCALATED
    assert second.body.code == CENTRE_A and second.level == "township"
    assert dispute.current_level == "township" and dispute.arose_level == "village"
    third = services.dispute_escalate(
        actor=med["handler_a"], dispute_id=dispute.pk, note="乡里也难"
    )
    assert third.body.code == CITY_CENTRE
    with pytest.raises(Conflict):
        services.dispute_escalate(actor=med["handler_a"], dispute_id=dispute.pk, note="再往上")
    actions = list(dispute.events.values_list("action", flat=True))
    assert actions.count("escalate") == 2
    esc = dispute.events.filter(action="escalate").first()
    assert esc.data["from_level"] == "village" and esc.data["to_level"] == "township"

    # Settled at the city: not "where it arose".
    third = consent_all(third, med["city_centre"])
    agree(third, med["city_centre"])
    dispute.refresh_from_db()
    assert dispute.settled_level == "city" != dispute.arose_level
    # The village room still sees the dispute it passed up.
    assert selectors.visible_disputes(med["room_a"]).filter(pk=dispute.pk).exists()


def test_consent_of_every_party_starts_the_month(med, new_dispute, travel):
    travel("2026-03-02")
    dispute = new_dispute()
    case = services.case_open(
        actor=med["handler_a"],
        dispute_id=dispute.pk,
        body=med["units"][LAND_COMMITTEE],
        mediators=[med["roster"]["land"].pk, med["roster"]["land2"].pk],
    )
    assert case.number.startswith("AJ-410481-2026-")
    assert case.state == CaseState.AWAITING_CONSENT
    assert {m.name for m in case.mediators.all()} == {"孙调解", "吴调解"}
    first, second = dispute.parties.all()
    services.case_record_consent(
        actor=med["land"], case_id=case.pk, party_id=first.pk, consented=True
    )
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_CONSENT
    services.case_record_consent(
        actor=med["land"], case_id=case.pk, party_id=second.pk, consented=True, how="oral"
    )
    case.refresh_from_db()
    dispute.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS
    assert case.started_on == d("2026-03-02")
    assert case.deadline == d("2026-04-02")
    assert dispute.state == DisputeState.MEDIATING
    with pytest.raises(Conflict):
        services.case_record_consent(
            actor=med["land"], case_id=case.pk, party_id=first.pk, consented=True
        )


def test_a_refusal_ends_the_case_and_the_parties_are_told_the_routes(med, new_dispute):
    dispute = new_dispute()
    case = services.case_open(actor=med["handler_a"], dispute_id=dispute.pk)
    party = dispute.parties.last()
    services.case_record_consent(
        actor=med["room_a"], case_id=case.pk, party_id=party.pk, consented=False, note="不同意调解"
    )
    case.refresh_from_db()
    dispute.refresh_from_db()
    assert case.state == CaseState.FAILURE
    assert case.failure_reason == FailureReason.REFUSED
    assert case.routes_told
    assert dispute.state == DisputeState.FAILED
    event = dispute.events.get(action="case_failed")
    assert event.data["routes"] == ["arbitration", "administrative", "judicial"]
    assert event.data["party_name"] == "李小河"


def test_either_party_may_stop_it(med, new_dispute):
    dispute = new_dispute()
    case = consent_all(
        services.case_open(actor=med["handler_a"], dispute_id=dispute.pk), med["room_a"]
    )
    services.case_stop(
        actor=med["room_a"], case_id=case.pk, party_id=dispute.parties.first().pk, note="要起诉"
    )
    case.refresh_from_db()
    assert case.state == CaseState.FAILURE and case.failure_reason == FailureReason.STOPPED


def test_failure_needs_the_routes_told(med, new_dispute):
    dispute = new_dispute()
    case = consent_all(
        services.case_open(actor=med["handler_a"], dispute_id=dispute.pk), med["room_a"]
    )
    with pytest.raises(InvalidInput) as exc:
        services.case_fail(
            actor=med["room_a"], case_id=case.pk, reason="no_agreement", routes_told=False
        )
    assert "routes_told" in exc.value.field_errors
    services.case_fail(
        actor=med["room_a"], case_id=case.pk, reason="no_agreement", routes_told=True
    )
    assert services.MediationCase.objects.get(pk=case.pk).state == CaseState.FAILURE


def test_only_mediators_of_the_body_act_inside_a_case(med, new_dispute):
    dispute = new_dispute()
    case = services.case_open(
        actor=med["handler_a"], dispute_id=dispute.pk, body=med["units"][LAND_COMMITTEE]
    )
    party = dispute.parties.first()
    for outsider in (med["labor"], med["centre_b"]):
        with pytest.raises((PermissionDenied, NotFound)):
            services.case_record_consent(
                actor=outsider, case_id=case.pk, party_id=party.pk, consented=True
            )
    # The city centre sits above the committees: its mediators may act.
    services.case_record_consent(
        actor=med["city_centre"], case_id=case.pk, party_id=party.pk, consented=True
    )


def test_mediators_come_from_the_bodys_roster(med, new_dispute):
    dispute = new_dispute()
    with pytest.raises(InvalidInput):
        services.case_open(
            actor=med["handler_a"],
            dispute_id=dispute.pk,
            body=med["units"][LAND_COMMITTEE],
            mediators=[med["roster"]["labor"].pk],
        )


def test_a_session_is_signed_only_by_those_present(med, new_dispute):
    dispute = new_dispute()
    case = consent_all(
        services.case_open(actor=med["handler_a"], dispute_id=dispute.pk), med["room_a"]
    )
    with pytest.raises(InvalidInput) as exc:
        services.case_record_session(
            actor=med["room_a"],
            case_id=case.pk,
            record="双方陈述意见。",
            present=["张大山", "王调解"],
            signed_by=["张大山", "李小河"],
        )
    assert "李小河" in exc.value.field_errors["signed_by"][0]
    session = services.case_record_session(
        actor=med["room_a"],
        case_id=case.pk,
        record="双方陈述意见，同意再议。",
        present="张大山、李小河、王调解",
        signed_by=["张大山", "李小河", "王调解"],
        place="村调解室",
    )
    assert session.present == ["张大山", "李小河", "王调解"]
    assert dispute.events.filter(action="session").exists()


def test_the_month_ending_in_national_day_moves_to_the_next_working_day(med, new_dispute, travel):
    # Started 2026-09-01: a month ends 2026-10-01, in the National Day holiday
    # (Oct 1-7, 2026), so it ends on Thursday 2026-10-08.
    travel("2026-09-01")
    dispute = new_dispute()
    case = consent_all(
        services.case_open(actor=med["handler_a"], dispute_id=dispute.pk), med["room_a"]
    )
    assert case.deadline == d("2026-10-08")


def test_a_month_from_january_31st_ends_on_the_last_day_of_february(med, new_dispute, travel):
    travel("2026-01-30")
    dispute = new_dispute()
    case = consent_all(
        services.case_open(actor=med["handler_a"], dispute_id=dispute.pk), med["room_a"]
    )
    # 2026-02-28 is a Saturday (and a make-up working day? no): moved to Monday 03-02.
    assert case.deadline == calendar.add_calendar_days(d("2026-01-30"), 29).due


def test_it_extends_once_with_every_partys_agreement(med, new_dispute, travel):
    travel("2026-08-03")
    dispute = new_dispute()
    case = consent_all(
        services.case_open(actor=med["handler_a"], dispute_id=dispute.pk), med["room_a"]
    )
    assert case.deadline == d("2026-09-03")
    first, second = dispute.parties.all()
    with pytest.raises(InvalidInput):
        services.case_extend(actor=med["room_a"], case_id=case.pk, agreed_by=[first.pk])
    services.case_extend(
        actor=med["room_a"], case_id=case.pk, agreed_by=[first.pk, second.pk], note="双方同意"
    )
    case.refresh_from_db()
    # Two months from 08-03 end on 10-03, in the National Day holiday: 10-08.
    assert case.extended and case.deadline == d("2026-10-08")
    assert case.data["extension"]["agreed_by"] == sorted([first.pk, second.pk])
    with pytest.raises(Conflict):
        services.case_extend(actor=med["room_a"], case_id=case.pk, agreed_by=[first.pk, second.pk])


def test_an_agreement_settles_the_dispute_at_the_cases_level(med, new_dispute, travel):
    travel("2026-03-02")
    dispute = new_dispute(type="neighbour")
    case = consent_all(
        services.case_open(actor=med["handler_a"], dispute_id=dispute.pk), med["room_a"]
    )
    travel("2026-03-10")
    agreement = agree(case, med["room_a"])
    dispute.refresh_from_db()
    case.refresh_from_db()
    assert case.state == CaseState.SUCCESS
    assert dispute.state == DisputeState.SETTLED
    assert dispute.settled_on == d("2026-03-10")
    assert dispute.settled_level == "village" == dispute.arose_level
    assert [t.obliged for t in agreement.terms.all()] == ["李小河", "张大山"]
    assert agreement.judicial_confirmation.window_ends_on == d("2026-04-09")


def test_an_agreement_needs_facts_issues_and_terms(med, new_dispute):
    dispute = new_dispute()
    case = consent_all(
        services.case_open(actor=med["handler_a"], dispute_id=dispute.pk), med["room_a"]
    )
    with pytest.raises(InvalidInput) as exc:
        agree(case, med["room_a"], facts="", issues=" ", terms=[{"text": ""}])
    assert {"facts", "issues", "terms"} <= set(exc.value.field_errors)


def test_an_oral_agreement_has_no_judicial_confirmation_window(med, new_dispute):
    dispute = new_dispute()
    case = consent_all(
        services.case_open(actor=med["handler_a"], dispute_id=dispute.pk), med["room_a"]
    )
    agreement = agree(case, med["room_a"], form="oral", responsibilities="")
    assert not JudicialConfirmation.objects.filter(agreement=agreement).exists()
    with pytest.raises(Conflict):
        services.judicial_apply(actor=med["room_a"], case_id=case.pk, court="舞钢市人民法院")


def test_the_judicial_window_ending_in_a_holiday_moves_on_and_late_applications_fail(
    med, new_dispute, travel
):
    travel("2026-08-20")
    dispute = new_dispute()
    case = consent_all(
        services.case_open(actor=med["handler_a"], dispute_id=dispute.pk), med["room_a"]
    )
    travel("2026-09-01")
    agreement = agree(case, med["room_a"])
    # 30 days after 2026-09-01 is 2026-10-01 (National Day): the window ends 10-08.
    jc = agreement.judicial_confirmation
    assert jc.window_ends_on == d("2026-10-08")
    travel("2026-10-09")
    with pytest.raises(Conflict) as exc:
        services.judicial_apply(actor=med["room_a"], case_id=case.pk, court="舞钢市人民法院")
    assert "2026-10-08" in str(exc.value.message)
    travel("2026-10-08")
    services.judicial_apply(actor=med["room_a"], case_id=case.pk, court="舞钢市人民法院")
    with pytest.raises(Conflict):
        services.judicial_apply(actor=med["room_a"], case_id=case.pk, court="舞钢市人民法院")
    travel("2026-10-20")
    services.judicial_ruling(
        actor=med["room_a"],
        case_id=case.pk,
        ruling="confirmed",
        ruling_number="(2026)豫0481民特1号",
    )
    jc.refresh_from_db()
    assert jc.applied_on == d("2026-10-08") and jc.ruling == "confirmed"


def test_follow_up_marks_terms_performed(med, new_dispute):
    dispute = new_dispute()
    case = consent_all(
        services.case_open(actor=med["handler_a"], dispute_id=dispute.pk), med["room_a"]
    )
    agreement = agree(case, med["room_a"])
    first, second = agreement.terms.all()
    services.follow_up_record(
        actor=med["room_a"], case_id=case.pk, result="partly", performed_terms=[second.pk]
    )
    assert list(agreement.terms.filter(performed_on__isnull=False)) == [second]
    services.follow_up_record(actor=med["room_a"], case_id=case.pk, result="performed")
    assert not agreement.terms.filter(performed_on__isnull=True).exists()
    event = dispute.events.filter(action="follow_up").last()
    assert event.data["all_performed"] is True


def test_every_step_is_one_event_on_the_disputes_timeline(med, new_dispute):
    dispute = new_dispute()
    case = services.case_open(actor=med["handler_a"], dispute_id=dispute.pk)
    consent_all(case, med["room_a"])
    agree(case, med["room_a"])
    actions = list(
        DisputeEvent.objects.filter(dispute=dispute).order_by("id").values_list("action", flat=True)
    )
    assert actions == [
        "register",
        "route",
        "case_open",
        "consent",
        "mediation_started",
        "agreement",
    ]


def test_a_direct_application_at_the_city_centre_and_a_court_referral(med, travel):
    travel("2026-04-01")
    units = med["units"]
    dispute, created = services.dispute_register(
        actor=med["city_centre"],
        source="application",
        type="labor",
        place=units["410481102001"],
        summary="拖欠工资",
        parties=[{"name": "工人甲"}, {"name": "某建筑公司", "is_organisation": True}],
        received_by=units[CITY_CENTRE],
        idempotency_key="app-1",
    )
    assert created and dispute.received_by.code == CITY_CENTRE
    retry = dict(
        actor=med["city_centre"],
        source="application",
        type="labor",
        place=units["410481102001"],
        summary="拖欠工资",
        parties=[{"name": "工人甲"}, {"name": "某建筑公司", "is_organisation": True}],
        received_by=units[CITY_CENTRE],
        idempotency_key="app-1",
    )
    again, created = services.dispute_register(**retry)
    assert again.pk == dispute.pk and not created
    # The same key with other content is not the same request (core.idempotency).
    with pytest.raises(Conflict):
        services.dispute_register(**{**retry, "parties": [{"name": "工人甲"}]})
    # The city centre's mediators see what they received; township B's do not.
    assert selectors.may_see(med["city_centre"], dispute)
    assert not selectors.may_see(med["centre_b"], dispute)
    with pytest.raises(InvalidInput) as exc:
        services.dispute_register(
            actor=med["handler_a"],
            source="court",
            type="debt",
            place=units["410481102001"],
            summary="借款纠纷",
            parties=[{"name": "甲"}, {"name": "乙"}],
        )
    assert "referral_ref" in exc.value.field_errors
    referral, _ = services.dispute_register(
        actor=med["handler_a"],
        source="court",
        type="debt",
        place=units["410481102001"],
        summary="借款纠纷",
        parties=[{"name": "甲"}, {"name": "乙"}],
        referral_ref="(2026)豫0481民初100号",
    )
    assert referral.received_by.code == "410481102"
    with pytest.raises(PermissionDenied):
        services.dispute_register(
            actor=med["handler_b"],
            source="application",
            type="debt",
            place=units["410481102001"],
            summary="借款纠纷",
            parties=[{"name": "甲"}],
        )


def test_outsiders_get_not_found(med, new_dispute):
    dispute = new_dispute()
    case = services.case_open(actor=med["handler_a"], dispute_id=dispute.pk)
    for outsider in (med["handler_b"], med["centre_b"]):
        assert not selectors.visible_disputes(outsider).filter(pk=dispute.pk).exists()
        with pytest.raises(NotFound):
            services.case_record_consent(
                actor=outsider,
                case_id=case.pk,
                party_id=dispute.parties.first().pk,
                consented=True,
            )


def test_the_roster_counts_open_cases(med, new_dispute):
    d1, d2 = new_dispute(), new_dispute()
    land = med["units"][LAND_COMMITTEE]
    sun = med["roster"]["land"]
    services.case_open(actor=med["handler_a"], dispute_id=d1.pk, body=land, mediators=[sun.pk])
    case2 = services.case_open(
        actor=med["handler_a"], dispute_id=d2.pk, body=land, mediators=[sun.pk]
    )
    services.case_record_consent(
        actor=med["land"], case_id=case2.pk, party_id=d2.parties.first().pk, consented=False
    )
    rows = {m.name: m.caseload for m in selectors.roster(land)}
    assert rows == {"孙调解": 1, "吴调解": 0}


def test_unknown_ids_are_not_found(med):
    with pytest.raises(NotFound):
        services.dispute_route(actor=med["handler_a"], dispute_id=999999)
    with pytest.raises(NotFound):
        services.case_record_consent(actor=med["room_a"], case_id="x", party_id=1, consented=True)


def test_day_arithmetic_is_the_calendars(db):
    # db: the calendar reads the published holiday years (alone, or first on a
    # worker, no earlier test has cached them).
    from xinfang.mediation import clocks

    assert clocks.one_month_after(dt.date(2026, 1, 31)).due >= dt.date(2026, 2, 28)
    assert clocks._same_day_next_month(dt.date(2026, 12, 15)) == dt.date(2027, 1, 15)


def test_the_body_named_by_the_weekly_meeting_opens_the_case(med, new_dispute):
    dispute = new_dispute(type="land")
    dispute.body = med["units"][LAND_COMMITTEE]  # as meetings.py records a decision
    dispute.save()
    case = services.case_open(actor=med["land"], dispute_id=dispute.pk)
    dispute.refresh_from_db()
    assert case.body.code == LAND_COMMITTEE and dispute.state == DisputeState.ROUTED
