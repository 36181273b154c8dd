"""Shared setup of the campaign and bulletin tests (plain functions, no fixtures:
the area's conftest belongs to case ownership)."""

from __future__ import annotations

import datetime as dt

from xinfang.leadership import services
from xinfang.orgs import services as org_services
from xinfang.orgs.demo import PETITION_OFFICE
from xinfang.orgs.models import Level, Unit, UnitKind
from xinfang.petitions import services as petition_services

PLAN_FIELDS = dict(
    person="王主任",
    measures="包案领导约见信访人，逐项化解。",
    standard="信访人签字息诉。",
)


def office() -> Unit:
    return Unit.objects.get(code=PETITION_OFFICE[0])


def township_b_office(demo_tree) -> Unit:
    """A petition office of township B (枣林镇): the demo tree has only the city's."""
    existing = Unit.objects.filter(code="410481101-XF").first()
    return existing or org_services.unit_create(
        code="410481101-XF",
        name="枣林镇信访办",
        kind=UnitKind.PETITION_OFFICE,
        level=Level.TOWNSHIP,
        parent=demo_tree["410481101"],
    )


def make_campaign(actor, *, open_days=90, repeat=True, group=True, cross=True, **over):
    fields = dict(
        actor=actor,
        office=office(),
        name="2026年信访积案攻坚",
        starts_on=dt.date(2026, 10, 26),
        ends_on=dt.date(2026, 12, 31),
        open_days=open_days,
        rule_repeat=repeat,
        rule_group=group,
        rule_cross_level=cross,
    )
    fields.update(over)
    return services.campaign_create(**fields)


NO_FLAGS = {"repeat": False, "cross_level": False, "collective": False}


def flagged(**on) -> dict:
    """Registration flags with only `on` set (registration suggests repeat and
    cross-level from the petitioner and the registering unit otherwise)."""
    return {**NO_FLAGS, **on}


def the_matters(register, received_long_ago: dt.date):
    """One matter per rule, and one matching none: {rule: petition, "none": petition}."""
    return {
        "long_open": register(
            summary="拖欠工资一年未解决", received_on=received_long_ago, flags=flagged()
        ),
        "repeat": register(summary="重复反映征地补偿", flags=flagged(repeat=True)),
        "group": register(summary="六名工人集体讨薪", people_count=6, flags=flagged()),
        "cross_level": register(summary="越级到市反映", flags=flagged(cross_level=True)),
        "none": register(summary="新近反映的道路积水", flags=flagged()),
    }


def forward(dispatcher, p, unit):
    return petition_services.petition_act(
        actor=dispatcher, petition_id=p.pk, action="forward", responsible_unit=unit
    )


def propose_and_confirm(actor, campaign, *, drop=()):
    c = services.campaign_propose(actor=actor, campaign_id=campaign.pk)
    keep = [m.pk for m in c.matters.all() if m.petition_id not in {p.pk for p in drop}]
    return services.campaign_confirm(
        actor=actor, campaign_id=c.pk, version=c.version, keep=keep, confirmed=True
    )
