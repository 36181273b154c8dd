"""Every action a mediation timeline can hold has a translated label, and the
staff pages print it, never the raw key."""

import datetime as dt
import re

import pytest
from django.utils import translation

from xinfang.core.transitions import TABLES
from xinfang.mediation import meetings, screening, workflow
from xinfang.mediation.models import Dispute, DisputeEvent, MediatorEvent
from xinfang.orgs.demo import TOWNSHIP_A
from xinfang.orgs.models import Level, Unit, UnitKind

from .screening_fixtures import VILLAGE_A1, passed_up_input

MEDIATION_TABLES = [
    workflow.DISPUTES,
    workflow.CASES,
    workflow.MEETINGS,
    workflow.ROSTER,
    workflow.TIMELINE,
]
CJK = re.compile(r"[\u4e00-\u9fff]")
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def test_the_mediation_tables_are_registered_with_the_kernel():
    for table in MEDIATION_TABLES:
        assert TABLES[table.aggregate] is table
    assert DisputeEvent.table is workflow.TIMELINE
    assert MediatorEvent.table is workflow.ROSTER


@pytest.mark.parametrize("table", MEDIATION_TABLES, ids=lambda t: t.aggregate)
def test_every_row_and_event_has_a_chinese_label(table):
    labels = table.labels()
    assert labels
    with translation.override("zh-hans"):
        for name, label in labels.items():
            text = str(label)
            assert text != name, f"{table.aggregate}.{name} has no label"
            assert CJK.search(text), f"{table.aggregate}.{name}: {text!r} is not translated"
            assert not SNAKE.search(text), f"{table.aggregate}.{name}: {text!r}"


def test_the_dispute_timeline_holds_every_row_of_both_tables():
    for table in (workflow.DISPUTES, workflow.CASES):
        for t in table:
            assert workflow.TIMELINE.label(t.name) == t.label
    for action in set(workflow.CASE_EVENT.values()) | {"pass_up", "meeting_decision"}:
        assert action in workflow.TIMELINE.labels()


def test_an_action_without_a_label_cannot_be_recorded():
    d = Dispute(state="reported")
    with pytest.raises(ValueError):
        DisputeEvent.record(d, action="no_such_action")


@pytest.mark.django_db
def test_a_dispute_passed_up_and_decided_at_a_meeting_reads_as_words(
    client, med, demo_tree, travel
):
    travel("2026-03-10")
    done = screening.screening_report_submit(
        actor=med["liaison_a"],
        village=demo_tree[VILLAGE_A1],
        disputes=[passed_up_input()],
        idempotency_key=None,
    )
    [dispute] = done.disputes
    client.force_login(med["handler_a"])
    url = f"/mediation/disputes/{dispute.pk}/"

    # Passed up, the township's ledger holds it: the page does not say "village".
    html = client.get(url).content.decode()
    with translation.override("zh-hans"):
        township, village = str(Level.TOWNSHIP.label), str(Level.VILLAGE.label)
    level_now = re.search(r"<dd data-level-now>(.*?)</dd>", html).group(1)
    assert level_now == township and level_now != village

    travel("2026-03-13")
    meeting = meetings.meeting_create(
        actor=med["handler_a"], township=demo_tree[TOWNSHIP_A], chair="陈志强"
    )
    committee = Unit.objects.get(kind=UnitKind.MEDIATION_COMMITTEE, mediation_type="labor")
    meetings.meeting_decide_item(
        actor=med["handler_a"],
        item=meeting.items.get(),
        classified_type="labor",
        body=str(committee.pk),
        responsible_leader=med["leader_a"],
        responsible_person="张伟",
        deadline=dt.date(2026, 3, 27),
    )
    actions = list(dispute.events.values_list("action", flat=True))
    assert {"pass_up", "route", "meeting_decision"} <= set(actions)

    client.force_login(med["handler_a"])  # days later: a new session
    html = client.get(url).content.decode()
    timeline = html[html.index('id="timeline-h"') :]
    text = re.sub(r"<[^>]+>", " ", timeline)
    assert not SNAKE.search(text), SNAKE.search(text)
    for action in ("pass_up", "route", "meeting_decision"):
        with translation.override("zh-hans"):
            assert str(workflow.TIMELINE.label(action)) in text
