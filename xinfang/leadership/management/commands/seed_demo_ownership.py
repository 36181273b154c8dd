"""Demo case ownership for `make run`: one hard matter of 八台镇 owned by the demo
leader (孙国庆) with a plan (一案一策), one progress entry, and its panel on the
matter's page. Idempotent: it does nothing when the demo leader owns a plan."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from xinfang.core import calendar
from xinfang.leadership import services
from xinfang.leadership.models import OwnershipPlan
from xinfang.orgs.demo import CITY_RECEPTION, TOWNSHIP_A
from xinfang.orgs.models import Unit, UnitKind
from xinfang.petitions import services as petition_services
from xinfang.petitions.models import Category


class Command(BaseCommand):
    help = "Seed an owned matter with a plan for the demo leader (领导包案)."

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true")

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("DEBUG is off: pass --allow-production to seed demo data.")
        User = get_user_model()
        leader = User.objects.filter(username="leader").first()
        clerk = User.objects.filter(username="clerk").first()
        if leader is None or clerk is None:
            raise CommandError("Run seed_demo first.")
        if OwnershipPlan.objects.filter(owner=leader).exists():
            self.stdout.write("The demo leader owns a plan already.")
            return
        township = Unit.objects.get(code=TOWNSHIP_A)
        village = (
            Unit.objects.filter(parent=township, kind=UnitKind.TERRITORIAL).order_by("code").first()
        )
        today = calendar.today()
        with transaction.atomic():
            p = petition_services.petition_register(
                actor=clerk,
                registering_unit=Unit.objects.get(code=CITY_RECEPTION[0]),
                channel="visit",
                purpose="appeal",
                category=Category.objects.get(code="0401"),
                place=village,
                received_on=today - dt.timedelta(days=12),
                summary="建筑公司拖欠28名农民工工资，多次集体上访",
                content="某建筑公司承建村小学工程，拖欠28名农民工工资共计46万元，多次到镇、市集体上访。",
                petitioners=[{"name": "刘大山", "phone": "13812345678"}],
                people_count=28,
            )
            plan = services.plan_create(
                actor=leader,
                petition=p,
                owner=leader,
                unit=township,
                person="八台镇镇长 陈志强",
                measures="一、包案领导每周约见农民工代表；二、协调发包方先行垫付；"
                "三、人社部门立案查处，督促公司按月分期支付。",
                standard="工资全部支付到位，农民工代表签字确认，不再上访。",
                target_date=today + dt.timedelta(days=45),
            )
            services.plan_progress(
                actor=leader,
                plan_id=plan.pk,
                note="已约见农民工代表，发包方同意先行垫付一半。",
            )
        self.stdout.write(f"Owned {p.number} with a plan for the demo leader.")
