"""Demo receptions for `make run`: the demo leader's (孙国庆) reception days this
month and next at the city's reception centre, a visit down to 八台镇 and an
appointment; one reception of this month already held with two batches. Written
through the services, as the leader. Idempotent: nothing when the leader has
receptions already."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from xinfang.core import calendar
from xinfang.leadership import services
from xinfang.leadership.models import Reception, ReceptionKind
from xinfang.orgs.demo import CITY_RECEPTION, PETITION_OFFICE, TOWNSHIP_A
from xinfang.orgs.models import Unit


def _working_day(day: dt.date, step: int = 1) -> dt.date:
    while not calendar.is_working_day(day)[0]:
        day += dt.timedelta(days=step)
    return day


class Command(BaseCommand):
    help = "Demo leaders' receptions (calendar and records) for make run."

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true")

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("DEBUG is off: pass --allow-production to seed demo data.")
        leader = get_user_model().objects.filter(username="leader").first()
        if leader is None:
            raise CommandError("Run seed_demo first (no demo leader).")
        if Reception.objects.filter(leader=leader).exists():
            self.stdout.write("Demo receptions: already there.")
            return
        units = {u.code: u for u in Unit.objects.filter(
            code__in=[CITY_RECEPTION[0], PETITION_OFFICE[0], TOWNSHIP_A, TOWNSHIP_A + "001"])}  # fmt: skip
        centre = units[CITY_RECEPTION[0]]
        today = calendar.today()
        first = today.replace(day=1)
        held_on = _working_day(first) if _working_day(first) <= today else None
        plan = []
        # The monthly 领导接访日: the 15th's working day of this month and the next.
        for month_start in (first, (first + dt.timedelta(days=32)).replace(day=1)):
            plan.append((ReceptionKind.RECEPTION, _working_day(month_start.replace(day=15)),
                         centre, "一楼接待大厅", "领导接访日"))  # fmt: skip
        plan.append((ReceptionKind.VISIT_DOWN, _working_day(today + dt.timedelta(days=7)),
                     units[TOWNSHIP_A + "001"], "村委会", "下访：土地承包纠纷"))  # fmt: skip
        plan.append((ReceptionKind.APPOINTMENT, _working_day(today + dt.timedelta(days=3)),
                     units[PETITION_OFFICE[0]], "二楼约访室", "约访：企业改制职工安置"))  # fmt: skip
        for kind, on, unit, place, topic in plan:
            services.reception_schedule(
                actor=leader, leader=leader, kind=kind, on=on, unit=unit, place=place,
                topic=topic, time_from=dt.time(8, 30), time_to=dt.time(12, 0),
            )  # fmt: skip
        made = len(plan)
        if held_on is not None:
            r, _created = services.reception_schedule(
                actor=leader, leader=leader, kind=ReceptionKind.RECEPTION, on=held_on,
                unit=centre, place="一楼接待大厅", topic="领导接访日", held=True,
                time_from=dt.time(8, 30), time_to=dt.time(12, 0),
            )  # fmt: skip
            services.reception_add_batch(
                actor=leader, reception_id=r.pk, people_count=1, name="张桂兰",
                phone="13812345678", matters="反映孙寨村宅基地确权纠纷，要求重新测量。",
            )  # fmt: skip
            services.reception_add_batch(
                actor=leader, reception_id=r.pk, people_count=6, name="王建军",
                matters="反映某建筑劳务公司拖欠六名农民工工资。",
            )  # fmt: skip
            made += 1
        self.stdout.write(f"Demo receptions: {made}.")
