import datetime as dt

import pytest

from xinfang.core import calendar
from xinfang.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.leadership import services
from xinfang.leadership.models import OwnershipEvent, PlanState
from xinfang.leadership.workflow import PLANS
from xinfang.petitions.models import PetitionEvent

pytestmark = pytest.mark.django_db


def test_it_owns_the_matter_with_a_plan_through_the_matters_own_step(make_plan, matter, leader):
    plan = make_plan(matter)
    matter.refresh_from_db()
    assert plan.state == PlanState.ACTIVE and plan.owner == leader
    assert matter.owner_leader == leader
    own = PetitionEvent.objects.get(petition=matter, action="own")
    assert own.actor == leader and "分期支付" in own.note
    ev = OwnershipEvent.objects.get(plan=plan)
    assert ev.action == "created" and str(ev.label) == str(PLANS.label("created"))
    assert ev.data["owner"] == leader.pk


def test_a_supervisor_names_another_leader_as_owner(make_plan, matter, people, leader):
    plan = make_plan(matter, actor=people["supervisor"], owner=leader)
    assert plan.owner == leader and plan.created_by == people["supervisor"]
    assert PetitionEvent.objects.get(petition=matter, action="own").actor == leader


def test_create_answers_404_then_409_then_403(make_plan, matter, outsider, people, leader):
    with pytest.raises(NotFound):
        make_plan(matter, actor=outsider)
    make_plan(matter)
    with pytest.raises(Conflict):  # already owned: 409 for who may see it ...
        make_plan(matter, actor=people["handler"])
    with pytest.raises(NotFound):  # ... and still 404 for an outsider
        make_plan(matter, actor=outsider)


def test_a_handler_may_not_name_an_owner(make_plan, matter, people):
    with pytest.raises(PermissionDenied):
        make_plan(matter, actor=people["handler"])


def test_the_owner_must_be_a_leader_over_the_matter(make_plan, matter, outsider, people):
    with pytest.raises(InvalidInput) as e:
        make_plan(matter, owner=outsider)
    assert "owner" in e.value.field_errors
    with pytest.raises(InvalidInput) as e:
        make_plan(matter, owner=people["handler"], measures="", target_date=None)
    assert {"owner", "measures", "target_date"} <= set(e.value.field_errors)


def test_it_resolves_and_reopens_with_events_and_labels(make_plan, matter, leader):
    plan = make_plan(matter)
    plan = services.plan_progress(actor=leader, plan_id=plan.pk, version=1, note="已约见信访人。")
    plan = services.plan_resolve(
        actor=leader, plan_id=plan.pk, version=plan.version, resolution="stopped", note="签字息诉。"
    )
    assert plan.state == PlanState.RESOLVED and plan.resolved_on == calendar.today()
    with pytest.raises(Conflict):
        services.plan_resolve(actor=leader, plan_id=plan.pk, resolution="stopped")
    plan = services.plan_reopen(actor=leader, plan_id=plan.pk, note="信访人再次到市上访。")
    assert plan.state == PlanState.ACTIVE and plan.resolved_on is None
    assert plan.reopened_count == 1
    events = list(plan.events.order_by("id"))
    assert [e.action for e in events] == ["created", "progress", "resolve", "reopen"]
    assert all(str(e.label) != e.action for e in events)
    assert events[2].to_state == "resolved" and events[3].from_state == "resolved"


def test_a_stale_version_is_a_conflict(make_plan, matter, leader):
    plan = make_plan(matter)
    services.plan_progress(actor=leader, plan_id=plan.pk, version=1, note="进展一")
    with pytest.raises(Conflict):
        services.plan_progress(actor=leader, plan_id=plan.pk, version=1, note="进展二")


def test_plan_moves_answer_404_409_403_in_that_order(make_plan, matter, leader, outsider, people):
    plan = make_plan(matter)
    with pytest.raises(NotFound):
        services.plan_reopen(actor=outsider, plan_id=plan.pk, note="x")
    with pytest.raises(Conflict):  # reopen does not fit "in hand": 409 before 403
        services.plan_reopen(actor=people["handler"], plan_id=plan.pk, note="x")
    with pytest.raises(PermissionDenied):
        services.plan_progress(actor=people["handler"], plan_id=plan.pk, note="x")
    with pytest.raises(InvalidInput):
        services.plan_resolve(actor=leader, plan_id=plan.pk, resolution="bogus")


def test_a_township_leader_hands_the_plan_to_the_city_leader(
    make_plan, matter, township_leader, leader
):
    plan = make_plan(matter, actor=township_leader, owner=township_leader)
    plan = services.plan_handover(actor=township_leader, plan_id=plan.pk, owner=leader, note="升级")
    matter.refresh_from_db()
    assert plan.owner == leader and matter.owner_leader == leader
    assert plan.events.last().data == {"owner": leader.pk, "previous": township_leader.pk}


def test_revise_keeps_the_old_values_on_the_event(make_plan, matter, leader):
    plan = make_plan(matter)
    new = plan.target_date + dt.timedelta(days=10)
    plan = services.plan_revise(actor=leader, plan_id=plan.pk, target_date=new, person="李科长")
    assert plan.target_date == new and plan.person == "李科长"
    assert plan.events.last().data["before"]["person"] == "王主任"


def test_a_closed_matter_is_not_owned(make_plan, matter):
    matter.state = "concluded"
    matter.save(update_fields=["state"])
    with pytest.raises(Conflict):
        make_plan(matter)
