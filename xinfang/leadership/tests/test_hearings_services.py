"""Hearings (群众评议 / 听证): the services, their 404/409/403 order, events and
labels, and the clock: paused in re-review only (信访工作条例 第三十六条第二款)."""

import datetime as dt

import pytest
from django.db import connection

from xinfang.core import calendar
from xinfang.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.leadership import selectors, services
from xinfang.leadership.models import (
    HearingEvent,
    HearingKind,
    HearingParticipant,
    HearingState,
)
from xinfang.leadership.workflow import HEARINGS
from xinfang.petitions.models import PetitionEvent

from .hearings_fixtures import PARTICIPANTS, act, attendance, walk_to_re_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def schedule(leader):
    def make(petition, *, actor=None, **over):
        fields = dict(
            date=calendar.today() + dt.timedelta(days=3),
            place="八台镇政府三楼会议室",
            host="王副镇长",
            topic="公司欠薪的处理是否适当",
            participants=PARTICIPANTS,
        )
        fields.update(over)
        return services.hearing_schedule(actor=actor or leader, petition=petition, **fields)

    return make


@pytest.fixture
def re_review(people, register, travel, make_person, demo_tree):
    return walk_to_re_review(
        people=people, register=register, travel=travel, make_person=make_person,
        demo_tree=demo_tree,
    )  # fmt: skip


def test_it_schedules_an_evaluation_with_encrypted_phones_and_an_event(schedule, matter, leader):
    h = schedule(matter)
    assert h.state == HearingState.SCHEDULED and h.kind == HearingKind.EVALUATION
    assert not h.pauses_clock and h.number.startswith(f"H{calendar.today().year}-")
    people = list(HearingParticipant.objects.filter(hearing=h).order_by("order"))
    assert [p.name for p in people] == [r["name"] for r in PARTICIPANTS]
    assert people[0].phone == "13800001111"  # read back in clear ...
    with connection.cursor() as c:
        c.execute("SELECT phone FROM leadership_hearingparticipant WHERE id = %s", [people[0].pk])
        stored = c.fetchone()[0]
    assert "13800001111" not in stored and stored  # ... stored as a token
    ev = HearingEvent.objects.get(hearing=h)
    assert ev.action == "scheduled" and str(ev.label) == str(HEARINGS.label("scheduled"))
    assert ev.data["participants"] == 5 and ev.data["pauses_clock"] is False


def test_schedule_answers_404_then_409_then_403(schedule, matter, outsider, people, leader):
    with pytest.raises(NotFound):
        schedule(matter, actor=outsider)
    schedule(matter)
    with pytest.raises(Conflict):  # one scheduled at a time: 409 for who sees it ...
        schedule(matter, actor=people["clerk"])
    with pytest.raises(NotFound):  # ... and still 404 for an outsider
        schedule(matter, actor=outsider)


def test_a_clerk_may_not_schedule_and_fields_are_checked(schedule, matter, people):
    with pytest.raises(PermissionDenied):
        schedule(matter, actor=people["clerk"])
    with pytest.raises(InvalidInput) as e:
        schedule(matter, place="", date=None,
                 participants=[{"name": "", "role": "king", "phone": "123"}])  # fmt: skip
    assert {"place", "date", "participants.0.name", "participants.0.role",
            "participants.0.phone"} <= set(e.value.field_errors)  # fmt: skip


def test_a_hearing_is_not_dated_before_its_matter_nor_years_ahead(schedule, matter):
    for day in (matter.received_on - dt.timedelta(days=1), dt.date(1999, 1, 1),
                calendar.today().replace(year=calendar.today().year + 3)):  # fmt: skip
        with pytest.raises(InvalidInput) as e:
            schedule(matter, date=day)
        assert set(e.value.field_errors) == {"date"}
    assert not matter.hearings.exists()


def test_the_handling_units_handler_and_the_dispatcher_may_schedule(
    schedule, register, people, demo_tree
):
    assert schedule(register(), actor=people["dispatcher"]).pk
    p = register()
    act(people["dispatcher"], p, "forward", responsible_unit=demo_tree["410481102"])
    assert schedule(p, actor=people["handler"]).pk


def test_it_is_held_with_views_and_conclusion_then_minutes_issued(schedule, matter, leader):
    h = schedule(matter)
    with pytest.raises(InvalidInput) as e:  # every participant's attendance is said
        services.hearing_hold(actor=leader, hearing_id=h.pk, version=1, conclusion="x",
                              attendance=attendance(h)[:2])  # fmt: skip
    assert "attendance" in e.value.field_errors
    h = services.hearing_hold(
        actor=leader, hearing_id=h.pk, version=1, conclusion="与会人员一致认为处理意见适当。",
        attendance=attendance(h, absent={"钱政协"}),
    )  # fmt: skip
    assert h.state == HearingState.HELD and h.held_on == calendar.today()
    came = {p.name: p.attended for p in h.participants.all()}
    assert came["钱政协"] is False and came["赵人大"] is True
    assert h.participants.get(name="钱政协").view == ""
    with pytest.raises(Conflict):  # stale version
        services.hearing_issue(actor=leader, hearing_id=h.pk, version=1)
    h = services.hearing_issue(actor=leader, hearing_id=h.pk, version=h.version)
    assert h.state == HearingState.ISSUED and h.minutes_issued_on == calendar.today()
    actions = [e.action for e in selectors.hearing_timeline(h)]
    assert actions == ["scheduled", "hold", "issue"]
    assert all(str(e.label) != e.action for e in selectors.hearing_timeline(h))


def test_actions_answer_404_then_409_then_403(schedule, matter, leader, outsider, people):
    h = schedule(matter)
    with pytest.raises(NotFound):
        services.hearing_cancel(actor=outsider, hearing_id=h.pk, reason="x")
    with pytest.raises(PermissionDenied):
        services.hearing_cancel(actor=people["clerk"], hearing_id=h.pk, reason="x")
    services.hearing_cancel(actor=leader, hearing_id=h.pk, reason="信访人申请延期。")
    with pytest.raises(Conflict):  # cancelled: nothing more for anyone who sees it ...
        services.hearing_cancel(actor=people["clerk"], hearing_id=h.pk, reason="x")
    with pytest.raises(NotFound):  # ... an outsider still gets 404
        services.hearing_cancel(actor=outsider, hearing_id=h.pk, reason="x")
    assert schedule(matter).pk != h.pk  # cancelled: another may be scheduled


def test_invite_and_reschedule_keep_the_old_values_on_the_event(schedule, matter, leader):
    h = schedule(matter, participants=[])
    h = services.hearing_invite(actor=leader, hearing_id=h.pk, name="周专家", role="expert",
                                phone="13900003333")  # fmt: skip
    new_day = h.date + dt.timedelta(days=2)
    h = services.hearing_reschedule(actor=leader, hearing_id=h.pk, version=h.version,
                                    date=new_day, place="市信访局听证室")  # fmt: skip
    assert h.date == new_day and h.place == "市信访局听证室"
    ev = h.events.get(action="reschedule")
    assert ev.data["before"]["place"] == "八台镇政府三楼会议室"
    assert h.participants.get().role == "expert"


def test_an_evaluation_outside_re_review_pauses_no_clock(schedule, matter, leader):
    due = matter.due_date
    h = schedule(matter)
    matter.refresh_from_db()
    assert matter.due_date == due and matter.hearing_started_on is None
    services.hearing_hold(actor=leader, hearing_id=h.pk, version=1, conclusion="评议通过。",
                          attendance=attendance(h))  # fmt: skip
    matter.refresh_from_db()
    assert matter.due_date == due and matter.paused_days == 0
    assert not PetitionEvent.objects.filter(petition=matter, action__startswith="hearing").exists()


def test_a_hearing_in_re_review_pauses_the_clock_by_its_days(schedule, re_review, people, travel):
    p = re_review
    due = p.due_date
    reviewer = people["reviewer"]
    with pytest.raises(PermissionDenied):  # the re-review organ's hearing, not a leader's
        schedule(p, actor=people["leader"])
    travel("2026-12-03")
    h = schedule(p, actor=reviewer, date=dt.date(2026, 12, 10))
    assert h.kind == HearingKind.HEARING and h.pauses_clock and h.title == "听证会记录"
    p.refresh_from_db()
    assert p.hearing_started_on == dt.date(2026, 12, 3) and p.due_date is None
    with pytest.raises(PermissionDenied):  # a leader cannot end the organ's pause
        services.hearing_cancel(actor=people["leader"], hearing_id=h.pk, reason="x")
    travel("2026-12-10")
    h = services.hearing_hold(actor=reviewer, hearing_id=h.pk, version=1,
                              conclusion="维持复查意见。", attendance=attendance(h))  # fmt: skip
    p.refresh_from_db()
    assert p.hearing_started_on is None and p.paused_days == 7
    assert p.due_date >= due + dt.timedelta(days=7)
    assert h.events.get(action="hold").data["paused_days"] == 7
    starts = PetitionEvent.objects.filter(petition=p, action__in=["hearing_start", "hearing_end"])
    assert [e.action for e in starts.order_by("at", "id")] == ["hearing_start", "hearing_end"]


def test_cancelling_a_re_review_hearing_lets_the_clock_run_again(schedule, re_review, people,
                                                                 travel):  # fmt: skip
    p = re_review
    travel("2026-12-03")
    h = schedule(p, actor=people["reviewer"])
    travel("2026-12-05")
    services.hearing_cancel(actor=people["reviewer"], hearing_id=h.pk, reason="信访人撤回申请。")
    p.refresh_from_db()
    assert p.hearing_started_on is None and p.paused_days == 2 and p.due_date is not None
