"""Demo backlog campaign for `make run`: 舞钢市信访积案攻坚 of the city's petition
office, started three weeks ago, with five old, repeat or group matters listed
(one proposed matter dropped), owning leaders and plans for four of them, two
resolved, one past its target date, and the bulletin of last week issued.
Idempotent: it does nothing when a campaign exists."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from xinfang.core import calendar
from xinfang.leadership import services
from xinfang.leadership.models import Campaign, CampaignMatter, OwnershipPlan
from xinfang.orgs.demo import CITY_RECEPTION, PETITION_OFFICE
from xinfang.orgs.models import Unit
from xinfang.petitions import services as petition_services
from xinfang.petitions.models import Category

NO_FLAGS = {"repeat": False, "cross_level": False, "collective": False}

# (summary, category, place, days ago received, people, flags, sent to township)
BACKLOG = [
    ("企业改制职工安置遗留问题多年未解决", "0401", "410481102001", 420, 1, {}, True),
    ("征地补偿款分配争议反复信访", "0202", "410481101002", 150, 1, {"repeat": True}, True),
    ("十二名农民工集体讨要工程款", "0401", "410481102003", 95, 12, {}, True),
    ("棚户区改造安置房迟迟未交付", "0103", "410481001001", 210, 7, {"repeat": True}, False),
    ("林地承包经营权纠纷", "0201", "410481101003", 130, 1, {}, True),
    # Proposed by the rules and dropped on confirmation (already settled in court).
    ("宅基地边界纠纷多次反映", "0202", "410481102002", 75, 1, {"repeat": True}, False),
]
PERSONS = ["刘建华", "马国平", "孙秀云", "朱红军", "何丽萍", "高志强"]


class Command(BaseCommand):
    help = "Add a demo backlog campaign with listed matters and an issued weekly bulletin."

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true")

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("DEBUG is off: pass --allow-production to add a demo campaign.")
        if Campaign.objects.exists():
            self.stdout.write("Demo campaign: already there.")
            return
        with transaction.atomic():
            campaign = seed()
        self.stdout.write(
            f"Demo campaign: {campaign.name}, {campaign.bulletins.count()} bulletin issued."
        )


def seed() -> Campaign:
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=[
        "clerk", "dispatcher", "supervisor", "leader"])}  # fmt: skip
    units = {u.code: u for u in Unit.objects.all()}
    today = calendar.today()
    monday = today - dt.timedelta(days=today.weekday())
    start = monday - dt.timedelta(days=21)
    matters = []
    for i, (summary, cat, place, ago, people, flags, send) in enumerate(BACKLOG):
        p = petition_services.petition_register(
            actor=users["clerk"],
            registering_unit=units[CITY_RECEPTION[0]],
            channel="visit",
            purpose="appeal",
            category=Category.objects.get(code=cat),
            place=units[place],
            summary=summary,
            content=f"{summary}，请求有关部门依法处理。",
            request="请求依法处理。",
            petitioners=[{"name": PERSONS[i], "phone": f"1390000{2000 + i:04d}"}],
            people_count=people,
            received_on=today - dt.timedelta(days=ago),
            flags={**NO_FLAGS, **flags},
        )
        if send:
            township = units[place[:9]]
            petition_services.petition_act(
                actor=users["dispatcher"],
                petition_id=p.pk,
                action="forward",
                responsible_unit=township,
            )
        matters.append(p)
    sup = users["supervisor"]
    c = services.campaign_create(
        actor=sup,
        office=units[PETITION_OFFICE[0]],
        name=f"{today.year}年舞钢市信访积案攻坚",
        starts_on=start,
        ends_on=start + dt.timedelta(days=90),
        open_days=90,
        rule_repeat=True,
        rule_group=True,
        bulletin_prefix="舞信督",
    )
    c = services.campaign_propose(actor=sup, campaign_id=c.pk)
    dropped = matters[-1]
    keep = list(
        CampaignMatter.objects.filter(campaign=c)
        .exclude(petition=dropped)
        .values_list("pk", flat=True)
    )
    c = services.campaign_confirm(
        actor=sup,
        campaign_id=c.pk,
        keep=keep,
        confirmed=True,
        listed_on=start,
        note="经核对，宅基地边界纠纷已由法院判决，不列入攻坚。",
    )
    plans = [
        (matters[0], "410481102", start + dt.timedelta(days=10), "八台镇信访办主任"),
        (matters[1], "410481101", start + dt.timedelta(days=40), "枣林镇副镇长"),
        (matters[2], "410481102", start + dt.timedelta(days=30), "八台镇司法所所长"),
        (matters[4], "410481101", start + dt.timedelta(days=35), "枣林镇林业站站长"),
    ]
    for p, unit, target, person in plans:
        c = services.campaign_assign(
            actor=sup,
            campaign_id=c.pk,
            matter=CampaignMatter.objects.get(campaign=c, petition=p).pk,
            owner=users["leader"],
            unit=units[unit],
            person=person,
            measures="包案领导每周约见信访人，协调相关部门逐项解决诉求。",
            standard="诉求依法解决，信访人签字息诉罢访。",
            target_date=target,
            owned_on=start + dt.timedelta(days=1),
        )
    for p, day in (
        (matters[2], start + dt.timedelta(days=9)),
        (matters[4], monday - dt.timedelta(days=5)),
    ):
        services.plan_resolve(
            actor=users["leader"],
            plan_id=OwnershipPlan.objects.get(petition=p).pk,
            resolution="agreement",
            note="达成分期支付协议，信访人签字息诉。",
            resolved_on=day,
        )
    last_week = (monday - dt.timedelta(days=7)).isocalendar()
    c = services.campaign_issue_bulletin(
        actor=sup, campaign_id=c.pk, year=last_week.year, week=last_week.week
    )
    return c
