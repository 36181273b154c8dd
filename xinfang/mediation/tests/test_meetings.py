"""The weekly meeting (周碰头会): agenda, decisions written on the dispute, minutes."""

import datetime as dt

import pytest

from xinfang.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.mediation import meetings, screening
from xinfang.mediation.models import AgendaReason, Dispute, DisputeEvent, Meeting
from xinfang.mediation.views.meetings import _item_rows
from xinfang.orgs.demo import TOWNSHIP_A, TOWNSHIP_B
from xinfang.orgs.models import Unit, UnitKind

from .screening_fixtures import (
    VILLAGE_A1,
    VILLAGE_A2,
    VILLAGE_B1,
    dispute_input,
    passed_up_input,
)

pytestmark = pytest.mark.django_db


def report(med, demo_tree, who, village, *disputes, key=None):
    return screening.screening_report_submit(
        actor=med[who], village=demo_tree[village], disputes=list(disputes), idempotency_key=key
    )


@pytest.fixture
def weeks(med, demo_tree, travel):
    """Disputes of township A over two weeks (the meeting's week is 2026-03-09..15)."""
    travel("2026-03-03")  # the week before
    report(med, demo_tree, "liaison_a", VILLAGE_A1, passed_up_input(summary="上周未结"))
    report(med, demo_tree, "liaison_a2", VILLAGE_A2, passed_up_input(summary="上周超期"))
    Dispute.objects.filter(summary="上周超期").update(deadline=dt.date(2026, 3, 8))
    travel("2026-03-10")
    report(
        med,
        demo_tree,
        "liaison_a",
        VILLAGE_A1,
        passed_up_input(summary="本周新增"),
        dispute_input(summary="本周就地化解"),
    )
    report(med, demo_tree, "liaison_b1", VILLAGE_B1, passed_up_input(summary="别的乡镇"))
    travel("2026-03-12")


def test_the_agenda_has_new_overdue_and_unresolved_items(med, demo_tree, weeks):
    meeting = meetings.meeting_create(actor=med["handler_a"], township=demo_tree[TOWNSHIP_A])

    items = [(i.dispute.summary, i.reason) for i in meeting.items.order_by("id")]
    assert meeting.week_start == dt.date(2026, 3, 9)
    assert items == [
        ("上周超期", AgendaReason.OVERDUE),
        ("本周新增", AgendaReason.NEW),
        ("上周未结", AgendaReason.UNRESOLVED),
    ]


def test_the_agenda_lists_villages_that_missed_days(med, demo_tree, weeks):
    meeting = meetings.meeting_create(actor=med["handler_a"], township=demo_tree[TOWNSHIP_A])

    missing = {m["village"].code: m["days"] for m in meetings.meeting_missing(meeting)}
    # Village 1 reported on Tuesday only; nobody reported on Monday, Wednesday, Thursday.
    assert missing[VILLAGE_A1] == [dt.date(2026, 3, d) for d in (9, 11, 12)]
    assert len(missing[TOWNSHIP_A + "003"]) == 4
    assert VILLAGE_B1 not in missing


def test_acceptance_the_meeting_assigns_the_passed_up_dispute(med, demo_tree, travel):
    """Acceptance 1, first half: a liaison's report with two disputes, one resolved on
    the spot and one passed up; the township's meeting assigns the one passed up."""
    travel("2026-03-10")
    done = report(
        med,
        demo_tree,
        "liaison_a",
        VILLAGE_A1,
        dispute_input(),
        passed_up_input(),
        key="walk-1",
    )
    passed = next(d for d in done.disputes if not d.resolved_on_spot)
    travel("2026-03-13")
    meeting = meetings.meeting_create(
        actor=med["handler_a"], township=demo_tree[TOWNSHIP_A], chair="陈志强"
    )
    item = meeting.items.get()
    assert item.dispute == passed  # the one resolved on the spot is not on the agenda
    committee = Unit.objects.get(kind=UnitKind.MEDIATION_COMMITTEE, mediation_type="labor")
    assert meetings.suggested_body(demo_tree[TOWNSHIP_A], "labor") == str(committee.pk)

    meetings.meeting_decide_item(
        actor=med["handler_a"],
        item=item,
        classified_type="labor",
        body=str(committee.pk),
        responsible_leader=med["leader_a"],
        responsible_person="张伟",
        deadline=dt.date(2026, 3, 27),
        decision="交市劳动争议人民调解委员会调解，镇里跟进",
    )

    passed.refresh_from_db()
    assert passed.responsible_leader == med["leader_a"]
    assert passed.responsible_person == "张伟"
    assert passed.deadline == dt.date(2026, 3, 27)
    assert passed.body == committee
    assert passed.version == 2
    event = DisputeEvent.objects.filter(dispute=passed).last()
    assert event.action == "meeting_decision"
    assert event.actor == med["handler_a"]
    assert event.data["meeting"] == meeting.pk and event.data["deadline"] == "2026-03-27"
    item.refresh_from_db()
    assert item.decided_at is not None and item.responsible_person == "张伟"


def test_a_decision_is_checked(med, demo_tree, weeks):
    meeting = meetings.meeting_create(actor=med["handler_a"], township=demo_tree[TOWNSHIP_A])
    item = meeting.items.first()

    with pytest.raises(InvalidInput) as exc:
        meetings.meeting_decide_item(
            actor=med["handler_a"],
            item=item,
            classified_type="nonsense",
            body="999999",
            responsible_leader=med["handler_b"],  # township B's
            responsible_person="",
            deadline=dt.date(2026, 3, 11),  # yesterday
        )

    assert set(exc.value.field_errors) == {
        "classified_type",
        "body",
        "responsible_leader",
        "responsible_person",
        "deadline",
    }
    assert not DisputeEvent.objects.filter(action="meeting_decision").exists()


def test_keeping_with_the_township_leaves_no_body(med, demo_tree, weeks):
    meeting = meetings.meeting_create(actor=med["handler_a"], township=demo_tree[TOWNSHIP_A])
    item = meeting.items.first()

    meetings.meeting_decide_item(
        actor=med["leader_a"],
        item=item,
        classified_type="family",
        body=meetings.KEEP_WITH_TOWNSHIP,
        responsible_leader=med["city_leader"],
        responsible_person="村支书",
        deadline=dt.date(2026, 3, 12),
    )

    d = Dispute.objects.get(pk=item.dispute_id)
    assert d.body is None and d.type == "family" and d.data["kept_by_township"]


def test_one_meeting_per_township_and_week(med, demo_tree, weeks):
    first = meetings.meeting_create(actor=med["handler_a"], township=demo_tree[TOWNSHIP_A])

    with pytest.raises(Conflict) as exc:
        meetings.meeting_create(
            actor=med["leader_a"], township=demo_tree[TOWNSHIP_A], held_on=dt.date(2026, 3, 11)
        )

    assert exc.value.meeting == first
    assert Meeting.objects.count() == 1


def test_who_may_run_a_meeting(med, demo_tree, weeks):
    with pytest.raises(NotFound):
        meetings.meeting_create(actor=med["handler_b"], township=demo_tree[TOWNSHIP_A])
    with pytest.raises(PermissionDenied):
        meetings.meeting_create(actor=med["centre_a"], township=demo_tree[TOWNSHIP_A])
    with pytest.raises(NotFound):
        meetings.meeting_create(actor=med["liaison_a"], township=demo_tree[TOWNSHIP_A])
    meeting = meetings.meeting_create(actor=med["city_leader"], township=demo_tree[TOWNSHIP_B])

    assert [i.dispute.summary for i in meeting.items.all()] == ["别的乡镇"]
    with pytest.raises(NotFound):
        meetings.meeting_get(user=med["handler_a"], pk=meeting.pk)
    assert meetings.meeting_get(user=med["handler_b"], pk=meeting.pk) == meeting


def test_closing_needs_minutes_and_every_decision_and_freezes_the_meeting(med, demo_tree, weeks):
    meeting = meetings.meeting_create(actor=med["handler_a"], township=demo_tree[TOWNSHIP_A])
    with pytest.raises(InvalidInput) as early:
        meetings.meeting_close(actor=med["handler_a"], meeting=meeting)
    assert set(early.value.field_errors) == {"chair", "attendees", "minutes", "items"}

    for item in meeting.items.all():
        meetings.meeting_decide_item(
            actor=med["handler_a"],
            item=item,
            classified_type=item.classified_type,
            body=meetings.suggested_body(demo_tree[TOWNSHIP_A], item.classified_type),
            responsible_leader=med["leader_a"],
            responsible_person="张伟",
            deadline=dt.date(2026, 3, 20),
        )
    meetings.meeting_minutes_save(
        actor=med["handler_a"],
        meeting=meeting,
        chair="陈志强",
        attendees="陈志强、张伟、各村信息员",
        minutes="逐项研究了本周台账。",
    )
    meetings.meeting_close(actor=med["handler_a"], meeting=meeting)

    meeting.refresh_from_db()
    assert meeting.closed
    frozen = meetings.meeting_missing(meeting)
    assert {m["village"].code for m in frozen} >= {VILLAGE_A1, VILLAGE_A2}
    with pytest.raises(Conflict):
        meetings.meeting_minutes_save(
            actor=med["handler_a"], meeting=meeting, chair="x", attendees="y", minutes="z"
        )
    with pytest.raises(Conflict):
        meetings.meeting_decide_item(
            actor=med["handler_a"],
            item=meeting.items.first(),
            classified_type="other",
            body=meetings.KEEP_WITH_TOWNSHIP,
            responsible_leader=med["leader_a"],
            responsible_person="别人",
            deadline=dt.date(2026, 3, 30),
        )


def test_refreshing_the_agenda_adds_what_came_in_since(med, demo_tree, weeks):
    meeting = meetings.meeting_create(actor=med["handler_a"], township=demo_tree[TOWNSHIP_A])
    report(med, demo_tree, "liaison_a2", VILLAGE_A2, passed_up_input(summary="会前新报"))

    added = meetings.meeting_refresh_agenda(actor=med["handler_a"], meeting=meeting)

    assert added == 1
    assert meeting.items.filter(dispute__summary="会前新报", reason="new").exists()


def test_the_responsible_leader_choices_are_township_and_city_staff(med, demo_tree):
    names = set(meetings.leader_choices(demo_tree[TOWNSHIP_A]).values_list("username", flat=True))

    assert {"m-handler-a", "m-leader-a", "m-centre-a", "m-city-leader"} <= names
    assert not names & {"m-handler-b", "m-liaison-a", "m-analyst"}


def test_a_closed_meeting_shows_the_ages_as_of_its_day(med, demo_tree, weeks, travel):
    meeting = meetings.meeting_create(actor=med["handler_a"], township=demo_tree[TOWNSHIP_A])
    Meeting.objects.filter(pk=meeting.pk).update(closed=True)
    meeting.refresh_from_db()
    travel("2026-04-30")  # weeks later the record still reads as on the day
    groups, _may_run = _item_rows(meeting, user=med["handler_a"])
    rows = [r for g in groups for r in g["items"]]
    assert rows
    for r in rows:
        assert r["row"]["age_days"] == (meeting.held_on - r["item"].dispute.received_on).days
