"""The statutory workflow through the services, under travelled time."""

import datetime as dt

import pytest

from xinfang.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.core.notify import LogSender
from xinfang.petitions import selectors, services, timeline
from xinfang.petitions.models import (
    Evaluation,
    Notification,
    Petition,
    PetitionEvent,
    Recusal,
    State,
)

from .fixtures import VALID_ID, answer, unit

D = dt.date


def act(actor, p, action, **fields):
    return services.petition_act(actor=actor, petition_id=p.pk, action=action, **fields)


def colour(p, day):
    return selectors.colour_of(p, D.fromisoformat(day))


def test_the_whole_statutory_walk_with_holidays(people, register, travel, make_person, village_a):
    # Answered by the village, reviewed by the township, re-reviewed by the city:
    # each round one level up (信访工作条例 Art. 35, 36), all inside the tree.
    village = make_person("handler", village_a, username="t-village-handler")
    travel("2026-09-16")
    p = register()
    assert p.state == State.REGISTERED
    assert p.number.startswith("410481-2026-")
    # 15 days from 16 Sept end on 1 Oct, National Day: the deadline moves to the
    # first working day after the holiday.
    assert p.clock == "forward"
    assert p.due_date == D(2026, 10, 8)
    assert colour(p, "2026-09-16") == "blue"
    assert colour(p, "2026-10-05") == "yellow"
    assert colour(p, "2026-10-09") == "red"

    travel("2026-09-18")
    p = act(people["dispatcher"], p, "forward", responsible_unit=village_a)
    assert p.state == State.FORWARDED and p.clock == "sign"
    # 1 working day: Sat 19 Sept is a rest day, Sun 20 Sept a make-up working day (调休).
    assert p.due_date == D(2026, 9, 20)

    p = act(village, p, "sign")
    assert p.state == State.PENDING_ACCEPTANCE
    assert p.due_date == D(2026, 10, 8)  # 15 days from receipt by the unit, off the holiday

    travel("2026-09-22")
    p = act(village, p, "accept")
    assert p.state == State.ACCEPTED and p.accepted_on == D(2026, 9, 22)
    assert p.due_date == D(2026, 11, 23)  # 60 days: 21 Nov is a Saturday -> Monday 23 Nov

    travel("2026-11-10")
    with pytest.raises(PermissionDenied):
        act(village, p, "extend", days=30, reason="情况复杂")  # the unit head approves
    p = act(people["unit_head"], p, "extend", days=30, reason="情况复杂，需要调查取证。")
    assert p.extension_days == 30
    assert p.due_date == D(2026, 12, 21)  # 90 days from 22 Sept
    with pytest.raises(Conflict):
        act(people["unit_head"], p, "extend", days=5, reason="再延")

    travel("2026-12-01")
    p = answer(
        village,
        p,
        "reply",
        outcome="support",
        text="责令公司在30日内支付。",
        facts="经调查核实，情况属实。",
        legal_basis="《保障农民工工资支付条例》第三条",
    )
    assert p.state == State.OPINION_ISSUED
    assert p.window_ends_on is None and p.served_on is None  # awaiting service (待送达)
    p = act(village, p, "record_service", method="direct", served_on=D(2026, 12, 1))
    assert p.window_ends_on == D(2026, 12, 31)
    assert p.due_date is None and colour(p, "2026-12-30") == "blue"  # the petitioner's window

    ev = services.petition_evaluate(
        query_code=p.query_code, unit_rating="dissatisfied", office_rating="satisfied"
    )
    assert ev.round == "opinion" and ev.unit == village_a
    with pytest.raises(Conflict):
        services.petition_evaluate(
            query_code=p.query_code, unit_rating="satisfied", office_rating="satisfied"
        )

    travel("2026-12-10")
    p = services.petition_request_review(query_code=p.query_code, reasons="公司仍未支付。")
    assert p.state == State.UNDER_REVIEW and p.review_unit == unit("410481102")
    assert p.due_date == D(2027, 1, 11)  # 9 Jan 2027 is a Saturday -> Monday
    assert p.due_provisional  # 2027's schedule is not in the library yet

    travel("2027-01-05")
    p = answer(
        people["handler"],
        p,
        "review_reply",
        outcome="uphold",
        text="维持原处理意见。",
        facts="经调查核实，情况属实。",
        legal_basis="《保障农民工工资支付条例》第三条",
    )
    assert p.state == State.REVIEW_ISSUED

    travel("2027-01-20")
    p = services.petition_request_re_review(query_code=p.query_code, reasons="不服复查意见。")
    assert p.state == State.UNDER_RE_REVIEW and p.re_review_unit == unit("410481")
    assert p.re_review_unit != p.review_unit != p.responsible_unit
    due_before_hearing = p.due_date
    travel("2027-01-25")
    p = act(people["reviewer"], p, "hearing_start")
    assert p.due_date is None and colour(p, "2027-03-30") == "blue"  # paused
    travel("2027-02-04")
    p = act(people["reviewer"], p, "hearing_end")
    assert p.paused_days == 10
    assert p.due_date >= due_before_hearing + dt.timedelta(days=10)
    p = answer(
        people["reviewer"],
        p,
        "re_review_reply",
        outcome="uphold",
        text="维持复查意见。",
        facts="经调查核实，情况属实。",
        legal_basis="《保障农民工工资支付条例》第三条",
    )
    assert p.state == State.RE_REVIEW_ISSUED

    p = act(people["dispatcher"], p, "conclude")
    assert p.state == State.CONCLUDED and colour(p, "2027-02-04") == "green"

    # The same person, kind and place again: the system only suggests the earlier
    # matter; the matter is registered as any other until the petition office
    # decides the facts and reasons are the same (信访工作条例 Art. 36(3)).
    travel("2027-03-01")
    again = register(summary="还是拖欠工资")
    assert again.state == State.REGISTERED and again.same_as == p and not again.route
    with pytest.raises(PermissionDenied):  # the clerk cannot decide it
        act(people["clerk"], again, "no_longer_accepted", note="同一事项")
    again = act(people["dispatcher"], again, "no_longer_accepted", note="事实和理由相同")
    assert again.state == State.NOT_ACCEPTED and again.route == "no_longer_accepted"
    public = [e.action for e in selectors.public_timeline(again)]
    assert public == ["register", "no_longer_accepted"]

    # New facts: the office clears the suggestion and the matter goes on.
    other = register(summary="公司又拖欠了新的三个月工资")
    assert other.same_as == p
    other = act(people["dispatcher"], other, "not_the_same", note="新的欠薪期间，事实不同")
    assert other.state == State.REGISTERED and other.same_as is None
    with pytest.raises(Conflict):
        act(people["dispatcher"], other, "no_longer_accepted", note="x")

    # A clerk who clears the repeat flag gets a normally registered matter.
    cleared = register(summary="再次反映欠薪", flags={"repeat": False})
    assert cleared.state == State.REGISTERED and cleared.same_as is None and not cleared.repeat


def test_every_step_is_an_event_and_the_public_sees_only_public_ones(people, register, travel):
    travel("2026-11-02")
    p = register()
    p = act(
        people["dispatcher"], p, "forward", responsible_unit=unit("410481102"), note="内部备注：急"
    )
    p = act(people["handler"], p, "sign")
    actions = list(PetitionEvent.objects.filter(petition=p).values_list("action", flat=True))
    assert actions == ["register", "forward", "sign"]
    public = list(selectors.public_timeline(p))
    assert [e.action for e in public] == ["register", "forward"]
    assert all("内部备注" not in timeline.public_line(e) for e in public)


def test_a_stale_version_is_a_conflict_and_changes_nothing(people, register, travel):
    travel("2026-11-02")
    p = register()
    seen = p.version
    act(people["dispatcher"], p, "forward", responsible_unit=unit("410481102"), version=seen)
    with pytest.raises(Conflict):
        act(
            people["dispatcher"],
            p,
            "decline_intake",
            route="litigation",
            reason="应诉讼",
            version=seen,
        )
    p.refresh_from_db()
    assert p.state == State.FORWARDED
    assert PetitionEvent.objects.filter(petition=p).count() == 2


def test_an_action_that_does_not_fit_the_state_is_a_conflict(people, register, travel):
    travel("2026-11-02")
    p = register()
    with pytest.raises(Conflict):
        act(people["handler"], p, "accept")


def test_a_user_who_cannot_see_the_matter_gets_not_found(people, register, travel):
    travel("2026-11-02")
    p = register()
    with pytest.raises(NotFound):
        act(people["handler_b"], p, "sign")


def test_return_within_five_working_days_restarts_the_forward_clock_from_receipt(
    people, register, travel
):
    travel("2026-11-02")
    p = register()
    p = act(people["dispatcher"], p, "forward", responsible_unit=unit("410481102"))
    travel("2026-11-05")
    with pytest.raises(InvalidInput):
        act(people["handler"], p, "return")  # a reason is needed
    p = act(people["handler"], p, "return", reason="不属于本单位职责")
    assert p.state == State.FORWARDED  # until the office agrees (Art. 23(3))
    p = act(people["dispatcher"], p, "return_agree")
    assert p.state == State.REGISTERED and p.responsible_unit is None
    assert p.clock_started_on == D(2026, 11, 2) and p.due_date == D(2026, 11, 17)


def test_return_after_five_working_days_is_refused(people, register, travel):
    travel("2026-11-02")
    p = register()
    p = act(people["dispatcher"], p, "forward", responsible_unit=unit("410481102"))
    travel("2026-11-10")  # Mon 2 Nov + 5 working days = Mon 9 Nov
    with pytest.raises(Conflict):
        act(people["handler"], p, "return", reason="不属于本单位")


def test_not_accepted_records_the_route(people, register, travel):
    travel("2026-11-02")
    p = register()
    with pytest.raises(InvalidInput):
        act(people["dispatcher"], p, "decline_intake", route="", reason="x")
    p = act(
        people["dispatcher"],
        p,
        "decline_intake",
        route="litigation",
        reason="已进入诉讼程序，请依法通过诉讼解决。",
    )
    assert p.state == State.NOT_ACCEPTED and p.route == "litigation"
    assert "诉讼" in timeline.public_line(selectors.public_timeline(p).last())


def test_a_review_request_after_the_window_is_refused_with_the_reason(people, register, travel):
    travel("2026-11-02")
    p = register()
    p = act(people["dispatcher"], p, "forward", responsible_unit=unit("410481102"))
    p = act(people["handler"], p, "sign")
    p = act(people["handler"], p, "accept")
    p = answer(
        people["handler"],
        p,
        "reply",
        outcome="explain",
        text="已解释政策。",
        facts="经调查核实，情况属实。",
        legal_basis="《保障农民工工资支付条例》第三条",
    )
    p = act(people["handler"], p, "record_service", method="direct", served_on=D(2026, 11, 2))
    travel("2026-12-03")  # 30 days from service on 2 Nov = 2 Dec
    with pytest.raises(Conflict) as exc:
        services.petition_request_review(query_code=p.query_code, reasons="不服")
    assert "2026-12-02" in str(exc.value.message)
    assert services.petitions_tick()["lapsed"] == 1
    p.refresh_from_db()
    assert p.state == State.CONCLUDED and p.concluded_reason == "window_lapsed"


def test_a_handler_with_a_declared_interest_cannot_be_assigned(
    people, register, travel, make_person
):
    travel("2026-11-02")
    p = register()
    p = act(people["dispatcher"], p, "forward", responsible_unit=unit("410481102"))
    services.petition_declare_interest(
        actor=people["handler"], petition_id=p.pk, reason="信访人是我的亲属"
    )
    assert Recusal.objects.filter(petition=p, user=people["handler"]).exists()
    with pytest.raises(InvalidInput):
        act(people["handler"], p, "sign")
    with pytest.raises(InvalidInput):
        act(people["unit_head"], p, "assign", handler=people["handler"])
    other = make_person("handler", unit("410481102"), username="t-handler-2")
    p = act(people["unit_head"], p, "assign", handler=other)
    assert p.handler == other


def test_merge_keeps_both_timelines(people, register, travel):
    travel("2026-11-02")
    a = register()
    b = register(petitioners=[{"name": "李四"}], summary="同一公司拖欠工资")
    b = act(people["dispatcher"], b, "merge", into=a)
    assert b.state == State.CONCLUDED and b.merged_into == a
    events = {
        (e.petition_id, e.action) for e in selectors.timeline(user=people["dispatcher"], petition=a)
    }
    assert (
        (a.pk, "merged_in") in events and (b.pk, "register") in events and (b.pk, "merge") in events
    )


def test_turning_red_notifies_the_supervisor_and_the_owner(
    people, register, travel, django_capture_on_commit_callbacks
):

    travel("2026-11-02")
    p = register()
    act(people["leader"], p, "own", plan="一案一策：约谈企业")
    LogSender.outbox.clear()
    travel("2026-11-18")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.petitions_tick()["red"] == 1
    notified = set(
        Notification.objects.filter(petition=p, kind="red").values_list("user__username", flat=True)
    )
    assert {"t-supervisor", "t-leader"} <= notified
    assert services.petitions_tick()["red"] == 0  # once per clock
    assert any(m.subject == "red" and p.number in m.body for m in LogSender.outbox)


def test_collective_and_accusation_flags_follow_from_the_facts(register, travel):
    travel("2026-11-02")
    p = register(people_count=8, petitioners=[{"name": f"代表{i}"} for i in range(5)])
    assert p.collective
    with pytest.raises(InvalidInput):
        register(people_count=8, petitioners=[{"name": f"代表{i}"} for i in range(6)])
    q = register(
        purpose="accusation",
        category=__import__("xinfang.petitions.models", fromlist=["Category"]).Category.objects.get(
            code="1201"
        ),
    )
    assert q.accusation


def test_an_invalid_id_number_is_refused_and_nothing_is_saved(register, travel):

    travel("2026-11-02")
    with pytest.raises(InvalidInput) as exc:
        register(petitioners=[{"name": "王五", "id_number": VALID_ID[:-1] + "1"}])
    assert "petitioners[0].id_number" in exc.value.field_errors
    assert Petition.objects.count() == 0


def test_one_evaluation_per_answer(people, register, travel):
    travel("2026-11-02")
    p = register()
    with pytest.raises(Conflict):
        services.petition_evaluate(
            query_code=p.query_code, unit_rating="satisfied", office_rating="satisfied"
        )
    assert Evaluation.objects.count() == 0
