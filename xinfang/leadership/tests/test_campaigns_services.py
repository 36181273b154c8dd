"""Backlog campaigns (信访积案攻坚): the services, the selection rules, the list's
confirmation, owners and plans through case ownership, events and labels."""

import datetime as dt

import pytest
from django.utils import translation

from xinfang.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.leadership import services
from xinfang.leadership.models import (
    CampaignEvent,
    CampaignMatter,
    CampaignState,
    MatterStatus,
    OwnershipPlan,
)
from xinfang.leadership.workflow import CAMPAIGNS
from xinfang.petitions.models import Petition

from .campaigns_helpers import (
    PLAN_FIELDS,
    flagged,
    forward,
    make_campaign,
    office,
    the_matters,
    township_b_office,
)


@pytest.fixture
def day(travel):
    travel("2026-10-26")
    return dt.date(2026, 10, 26)


@pytest.fixture
def supervisor(people):
    return people["supervisor"]


@pytest.fixture
def matters(day, register):
    return the_matters(register, received_long_ago=dt.date(2026, 6, 1))


def test_it_proposes_a_matter_for_each_rule_and_none_that_matches_no_rule(supervisor, matters):
    c = make_campaign(supervisor)
    c = services.campaign_propose(actor=supervisor, campaign_id=c.pk)
    assert c.state == CampaignState.PROPOSED
    proposed = {m.petition_id: m.rules for m in c.matters.all()}
    assert proposed == {
        matters["long_open"].pk: ["long_open"],
        matters["repeat"].pk: ["repeat"],
        matters["group"].pk: ["group"],
        matters["cross_level"].pk: ["cross_level"],
    }
    assert matters["none"].pk not in proposed


def test_the_rules_combine_as_any_of_the_ticked_ones(supervisor, matters):
    c = make_campaign(supervisor, open_days=None, repeat=True, group=False, cross=False)
    c = services.campaign_propose(actor=supervisor, campaign_id=c.pk)
    assert [m.petition_id for m in c.matters.all()] == [matters["repeat"].pk]


def test_a_collective_matter_of_fewer_people_is_a_group_petition(supervisor, register, day):
    p = register(summary="集体反映", flags=flagged(collective=True), people_count=3)
    c = make_campaign(supervisor, open_days=None, repeat=False, group=True, cross=False)
    c = services.campaign_propose(actor=supervisor, campaign_id=c.pk)
    assert [m.petition_id for m in c.matters.all()] == [p.pk]


def test_a_matter_open_exactly_n_days_is_not_longer_than_n(supervisor, register, day):
    register(summary="刚满九十天", received_on=day - dt.timedelta(days=90), flags=flagged())
    longer = register(summary="九十一天", received_on=day - dt.timedelta(days=91), flags=flagged())
    c = make_campaign(supervisor, open_days=90, repeat=False, group=False, cross=False)
    c = services.campaign_propose(actor=supervisor, campaign_id=c.pk)
    assert [m.petition_id for m in c.matters.all()] == [longer.pk]


def test_the_scope_is_what_the_office_sees_of_its_open_matters(
    supervisor, register, day, demo_tree, make_person
):
    township_office = township_b_office(demo_tree)
    in_b = register(
        summary="枣林镇的重复信访", place=demo_tree["410481101001"], flags=flagged(repeat=True)
    )
    assert in_b.office == township_office
    in_a = register(summary="八台镇的重复信访", flags=flagged(repeat=True))
    closed = register(summary="已办结的重复信访", flags=flagged(repeat=True))
    Petition.objects.filter(pk=closed.pk).update(state="concluded")  # setup: a closed matter
    rules = dict(open_days=None, repeat=True, group=False, cross=False)
    city = services.campaign_propose(
        actor=supervisor, campaign_id=make_campaign(supervisor, **rules).pk
    )
    # The city office's people do not see what a township's office handles: only
    # what the proposing user may see is proposed.
    assert list(city.matters.values_list("petition_id", flat=True)) == [in_a.pk]
    b_supervisor = make_person("supervisor", township_office, username="t-b-supervisor")
    b = make_campaign(b_supervisor, office=township_office, **rules)
    assert b.bulletin_prefix == "枣信督"
    b = services.campaign_propose(actor=b_supervisor, campaign_id=b.pk)
    assert list(b.matters.values_list("petition_id", flat=True)) == [in_b.pk]


def test_it_confirms_the_list_keeping_some_and_dropping_others(supervisor, matters):
    c = make_campaign(supervisor)
    c = services.campaign_propose(actor=supervisor, campaign_id=c.pk)
    by_petition = {m.petition_id: m for m in c.matters.all()}
    keep = [by_petition[matters["long_open"].pk].pk, by_petition[matters["group"].pk].pk]
    c = services.campaign_confirm(
        actor=supervisor, campaign_id=c.pk, version=c.version, keep=keep, confirmed=True
    )
    assert c.state == CampaignState.RUNNING
    statuses = dict(c.matters.values_list("petition_id", "status"))
    assert statuses[matters["long_open"].pk] == MatterStatus.KEPT
    assert statuses[matters["group"].pk] == MatterStatus.KEPT
    assert statuses[matters["repeat"].pk] == MatterStatus.DROPPED
    ev = c.events.order_by("-id").first()
    assert ev.action == "confirm" and ev.data == {"kept": 2, "dropped": 2}


def test_confirming_needs_the_tick_and_a_kept_matter_of_the_list(supervisor, matters):
    c = make_campaign(supervisor)
    c = services.campaign_propose(actor=supervisor, campaign_id=c.pk)
    ids = list(c.matters.values_list("pk", flat=True))
    with pytest.raises(InvalidInput) as e:
        services.campaign_confirm(actor=supervisor, campaign_id=c.pk, keep=ids, confirmed=False)
    assert "confirmed" in e.value.field_errors
    with pytest.raises(InvalidInput) as e:
        services.campaign_confirm(actor=supervisor, campaign_id=c.pk, keep=[], confirmed=True)
    assert "keep" in e.value.field_errors
    with pytest.raises(InvalidInput) as e:
        services.campaign_confirm(
            actor=supervisor, campaign_id=c.pk, keep=[max(ids) + 99], confirmed=True
        )
    assert "keep" in e.value.field_errors
    c.refresh_from_db()
    assert c.state == CampaignState.PROPOSED


def test_assigning_an_owner_makes_a_plan_through_case_ownership(
    supervisor, matters, people, demo_tree
):
    forward(people["dispatcher"], matters["long_open"], demo_tree["410481102"])
    c = make_campaign(supervisor)
    c = services.campaign_propose(actor=supervisor, campaign_id=c.pk)
    c = services.campaign_confirm(
        actor=supervisor,
        campaign_id=c.pk,
        keep=list(c.matters.values_list("pk", flat=True)),
        confirmed=True,
    )
    m = c.matters.get(petition=matters["long_open"])
    c = services.campaign_assign(
        actor=supervisor,
        campaign_id=c.pk,
        version=c.version,
        matter=m.pk,
        owner=people["leader"],
        unit=demo_tree["410481102"],
        target_date=dt.date(2026, 11, 30),
        **PLAN_FIELDS,
    )
    m.refresh_from_db()
    plan = OwnershipPlan.objects.get(petition=matters["long_open"])
    assert m.plan == plan
    assert plan.owner == people["leader"] and plan.created_by == supervisor
    matters["long_open"].refresh_from_db()
    assert matters["long_open"].owner_leader == people["leader"]
    ev = c.events.order_by("-id").first()
    assert ev.action == "assign" and ev.data["plan"] == plan.pk
    # Owned once: a second assignment is a conflict.
    with pytest.raises(Conflict):
        services.campaign_assign(
            actor=supervisor,
            campaign_id=c.pk,
            matter=m.pk,
            owner=people["leader"],
            unit=demo_tree["410481102"],
            target_date=dt.date(2026, 11, 30),
            **PLAN_FIELDS,
        )


def test_assigning_a_matter_not_on_the_list_is_a_400(supervisor, matters, people, demo_tree):
    c = make_campaign(supervisor)
    c = services.campaign_propose(actor=supervisor, campaign_id=c.pk)
    dropped, kept = list(c.matters.all())[:2]
    c = services.campaign_confirm(
        actor=supervisor, campaign_id=c.pk, keep=[kept.pk], confirmed=True
    )
    with pytest.raises(InvalidInput) as e:
        services.campaign_assign(
            actor=supervisor,
            campaign_id=c.pk,
            matter=dropped.pk,
            owner=people["leader"],
            unit=demo_tree["410481102"],
            target_date=dt.date(2026, 11, 30),
            **PLAN_FIELDS,
        )
    assert "matter" in e.value.field_errors
    assert not OwnershipPlan.objects.filter(petition_id=dropped.petition_id).exists()


def test_the_order_is_404_then_409_then_403(supervisor, matters, people, make_person, demo_tree):
    c = make_campaign(supervisor)
    outsider = make_person("supervisor", demo_tree["410481101"], username="t-camp-outsider")
    handler = people["handler"]
    leader = people["leader"]  # reads the campaign, may not run it
    # 404: another township's supervisor does not see the city office's campaign.
    with pytest.raises(NotFound):
        services.campaign_propose(actor=outsider, campaign_id=c.pk)
    with pytest.raises(NotFound):
        services.campaign_propose(actor=handler, campaign_id=c.pk)
    with pytest.raises(NotFound):
        services.campaign_propose(actor=supervisor, campaign_id=999999)
    # 409 before 403: confirming a draft is a conflict for anyone who sees it.
    with pytest.raises(Conflict):
        services.campaign_confirm(actor=leader, campaign_id=c.pk, keep=[], confirmed=True)
    with pytest.raises(Conflict):
        services.campaign_propose(actor=supervisor, campaign_id=c.pk, version=c.version + 1)
    # 403: the leader reads it but may not run it.
    with pytest.raises(PermissionDenied):
        services.campaign_propose(actor=leader, campaign_id=c.pk)
    c.refresh_from_db()
    assert c.state == CampaignState.DRAFT and c.version == 1


def test_a_dispatcher_proposes_and_confirms_but_the_supervisor_names_owners(
    people, matters, demo_tree
):
    dispatcher = people["dispatcher"]
    c = make_campaign(dispatcher)
    c = services.campaign_propose(actor=dispatcher, campaign_id=c.pk)
    m = c.matters.first()
    c = services.campaign_confirm(actor=dispatcher, campaign_id=c.pk, keep=[m.pk], confirmed=True)
    with pytest.raises(PermissionDenied):
        services.campaign_assign(
            actor=dispatcher,
            campaign_id=c.pk,
            matter=m.pk,
            owner=people["leader"],
            unit=demo_tree["410481102"],
            target_date=dt.date(2026, 11, 30),
            **PLAN_FIELDS,
        )


def test_only_the_office_runs_a_campaign(people, day, demo_tree, make_person):
    with pytest.raises(PermissionDenied):
        make_campaign(people["leader"])
    outsider = make_person("supervisor", demo_tree["410481101"], username="t-camp-out2")
    with pytest.raises(NotFound):
        make_campaign(outsider)
    with pytest.raises(NotFound):
        make_campaign(people["supervisor"], office=demo_tree["410481102"])


def test_a_campaign_needs_a_rule_and_a_period_in_order(supervisor, day):
    with pytest.raises(InvalidInput) as e:
        make_campaign(supervisor, open_days=None, repeat=False, group=False, cross=False)
    assert "open_days" in e.value.field_errors
    with pytest.raises(InvalidInput) as e:
        make_campaign(supervisor, ends_on=dt.date(2026, 1, 1))
    assert "ends_on" in e.value.field_errors


def test_the_bulletin_prefix_comes_from_the_territory(supervisor, day):
    assert make_campaign(supervisor).bulletin_prefix == "舞信督"
    assert office().parent.name == "舞钢市"


def test_every_step_is_an_event_with_a_chinese_label(supervisor, matters, people):
    c = make_campaign(supervisor)
    c = services.campaign_propose(actor=supervisor, campaign_id=c.pk)
    c = services.campaign_confirm(
        actor=supervisor,
        campaign_id=c.pk,
        keep=list(c.matters.values_list("pk", flat=True)),
        confirmed=True,
    )
    c = services.campaign_close(actor=supervisor, campaign_id=c.pk, note="攻坚结束")
    events = list(CampaignEvent.objects.filter(campaign=c).order_by("id"))
    assert [e.action for e in events] == ["created", "propose", "confirm", "close"]
    assert [e.to_state for e in events] == ["draft", "proposed", "running", "closed"]
    assert events[0].actor_unit == office()
    with translation.override("zh-hans"):
        labels = [str(e.label) for e in events]
    assert labels[0] == str(CAMPAIGNS.events["created"])
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in labels), labels
    assert CampaignMatter.objects.filter(campaign=c, status=MatterStatus.KEPT).count() == 4


def test_proposing_again_replaces_the_proposal(supervisor, matters, register):
    c = make_campaign(supervisor)
    c = services.campaign_propose(actor=supervisor, campaign_id=c.pk)
    extra = register(summary="又一件重复信访", flags=flagged(repeat=True))
    c = services.campaign_propose(actor=supervisor, campaign_id=c.pk)
    ids = set(c.matters.values_list("petition_id", flat=True))
    assert extra.pk in ids and len(ids) == 5
