"""A year of leader-owned matters shaped like Wugang's 2016 (DOMAIN.md section 7:
"owned 294 matters, resolved 260"), for the statistics page and its test.

Each matter is registered through petitions' services (received on a day of the
year), owned with a plan through `plan_create` (owned a few days later: the
matter's own `own` step and the plan's first event), and 260 of them resolved
through `plan_resolve` within the year; the other 34 are still in hand.
Deterministic for a given seed. Refuses a year already loaded.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from xinfang.orgs.demo import CITY, CITY_RECEPTION
from xinfang.orgs.models import Level, Membership, Role, Unit, UnitKind
from xinfang.petitions import services as petition_services
from xinfang.petitions.models import Category

from . import services
from .models import OwnershipPlan, Resolution

OWNED = 294
RESOLVED = 260
SUMMARIES = [
    "拖欠农民工工资长期未解决",
    "土地征收补偿标准争议",
    "宅基地确权纠纷反复上访",
    "企业改制职工安置问题",
    "村集体财务不公开",
    "城中村拆迁安置房分配",
    "医疗事故赔偿久拖未决",
    "退役军人待遇落实",
]
RESOLUTIONS = [
    (Resolution.STOPPED, 40),
    (Resolution.AGREEMENT, 25),
    (Resolution.ASSISTANCE, 15),
    (Resolution.EXPLANATION, 15),
    (Resolution.LEGAL_ROUTE, 5),
]


def load_ownership(year: int = 2016, *, owned: int = OWNED, resolved: int = RESOLVED,
                   seed: int = 2016) -> dict:  # fmt: skip
    """Write `owned` owned matters of `year`, `resolved` of them resolved."""
    User = get_user_model()
    leader = User.objects.filter(username="leader").first()
    clerk = User.objects.filter(username="clerk").first()
    if leader is None or clerk is None:
        raise ValueError("The demo users are missing: run seed_demo first.")
    if OwnershipPlan.objects.filter(owned_on__year=year).exists():
        raise ValueError(f"Owned matters of {year} exist already: the year is loaded.")
    city = Unit.objects.get(code=CITY[0])
    reception = Unit.objects.get(code=CITY_RECEPTION[0])
    townships = list(
        Unit.objects.filter(kind=UnitKind.TERRITORIAL, level=Level.TOWNSHIP, parent=city)
    )
    villages = list(
        Unit.objects.filter(kind=UnitKind.TERRITORIAL, level=Level.VILLAGE, parent__in=townships)
    )
    category = Category.objects.filter(code="0401").first()  # 劳资纠纷/欠薪
    if not villages or category is None:
        raise ValueError("The unit tree or the categories are missing: run seed_demo first.")
    assert Membership.objects.filter(user=leader, role=Role.LEADER).exists()
    rng = random.Random(seed)
    outcome = [True] * resolved + [False] * (owned - resolved)
    rng.shuffle(outcome)
    kinds, weights = zip(*RESOLUTIONS, strict=True)
    start = dt.date(year, 1, 1)
    made = {"owned": 0, "resolved": 0}
    for i, is_resolved in enumerate(outcome):
        received_on = start + dt.timedelta(days=rng.randrange(0, 300))
        owned_on = received_on + dt.timedelta(days=rng.randrange(1, 10))
        village = rng.choice(villages)
        with transaction.atomic():
            p = petition_services.petition_register(
                actor=clerk,
                registering_unit=reception,
                channel="visit",
                purpose="appeal",
                category=category,
                place=village,
                received_on=received_on,
                summary=rng.choice(SUMMARIES),
                content="信访人多次反映，诉求长期未得到解决，列为领导包案事项。",
                petitioners=[{"name": f"信访人{i + 1:03d}", "phone": ""}],
                people_count=1,
            )
            plan = services.plan_create(
                actor=leader,
                petition=p,
                owner=leader,
                unit=village.parent,
                person="包案责任人",
                measures="包案领导每月约访一次，责任单位制定化解方案并落实。",
                standard="诉求依法依规解决，信访人息诉罢访。",
                target_date=owned_on + dt.timedelta(days=90),
                owned_on=owned_on,
            )
            made["owned"] += 1
            if is_resolved:
                resolved_on = min(
                    owned_on + dt.timedelta(days=rng.randrange(10, 80)), dt.date(year, 12, 31)
                )
                services.plan_resolve(
                    actor=leader,
                    plan_id=plan.pk,
                    resolution=rng.choices(kinds, weights)[0],
                    note="经包案领导协调，信访人签字息诉。",
                    resolved_on=resolved_on,
                )
                made["resolved"] += 1
    return made
