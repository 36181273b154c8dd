"""Demo data of the mediation network for `make run`.

Rosters: Wugang had over 1,500 full- and part-time mediators (DOMAIN.md section
6); every mediation body of the demo tree gets its share (about 1,500 in all,
written in bulk). The demo user `mediator` (郑秀英, at the city's centre) is on
the city centre's and the land committee's rosters and has cases in several
states. Disputes go through the services, as the township staff and the
mediator would do it. Both parts are idempotent.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from xinfang.core import calendar
from xinfang.orgs.demo import CITY_MEDIATION, TOWNSHIP_A, TOWNSHIP_B
from xinfang.orgs.models import Level, Unit, UnitKind
from xinfang.petitions.models import Petition

from . import services
from .models import MediationCase, Mediator, Source
from .services import diversion

# Mediators per body (total, full-time) by kind and level: 40 + 8 × 12 + 13 × 30
# + 52 × 19 = 1,514 with the demo tree.
SHARE = {
    (UnitKind.MEDIATION_CENTRE, Level.CITY): (40, 15),
    (UnitKind.MEDIATION_COMMITTEE, Level.CITY): (12, 4),
    (UnitKind.MEDIATION_CENTRE, Level.TOWNSHIP): (30, 6),
    (UnitKind.MEDIATION_CENTRE, Level.VILLAGE): (19, 1),
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "国建伟志明秀英华丽军平芳敏静强磊洋艳勇杰娟涛超霞刚桂兰玉萍红海林德才福荣春梅新文宝山"
SPECIALITIES = [
    "婚姻家庭",
    "邻里纠纷",
    "土地纠纷",
    "劳动争议",
    "交通事故",
    "医疗纠纷",
    "法律咨询",
    "",
]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


@transaction.atomic
def seed_rosters(seed: int = 1500) -> int:
    """Mediators for every mediation body that has none yet; returns how many."""
    rng = random.Random(seed)
    bodies = Unit.objects.filter(
        kind__in=(UnitKind.MEDIATION_CENTRE, UnitKind.MEDIATION_COMMITTEE), is_active=True
    ).exclude(pk__in=Mediator.objects.values("body_id"))
    rows = []
    for body in bodies.order_by("depth", "code"):
        total, full = SHARE.get((body.kind, body.level), (10, 2))
        for i in range(total):
            rows.append(
                Mediator(
                    body=body,
                    name=_name(rng),
                    full_time=i < full,
                    phone=f"139{rng.randrange(10**8):08d}",
                    speciality=(
                        str(body.get_mediation_type_display())
                        if body.mediation_type
                        else rng.choice(SPECIALITIES)
                    ),
                )
            )
    Mediator.objects.bulk_create(rows, batch_size=1000)
    _demo_mediator_rows()
    return len(rows)


def _demo_mediator_rows() -> None:
    User = get_user_model()
    user = User.objects.filter(username="mediator").first()
    if user is None:
        return
    name = user.get_full_name() or user.get_username()
    for code in (CITY_MEDIATION[0], "410481-TJ04"):  # the city centre, the land committee
        body = Unit.objects.filter(code=code).first()
        if body is not None:
            Mediator.objects.get_or_create(
                body=body,
                user=user,
                defaults={"name": name, "full_time": True, "speciality": "土地纠纷"},
            )


PARTIES = [
    ({"name": "王秀兰", "phone": "13803750101"}, {"name": "李建军", "phone": "13903750202"}),
    ({"name": "张国强"}, {"name": "舞钢市某运输公司", "is_organisation": True}),
    ({"name": "刘桂英"}, {"name": "舞钢市某建筑公司", "is_organisation": True}),
    ({"name": "陈志明"}, {"name": "陈志华"}),
    ({"name": "杨丽"}, {"name": "赵海"}),
    ({"name": "黄小军"}, {"name": "黄小红"}),
]


def seed_demo_disputes() -> int:
    """A handful of disputes in various states (only when there are none yet)."""
    # The screening demo may have written disputes; no case yet means ours are missing.
    if MediationCase.objects.exists():
        return 0
    User = get_user_model()
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["handler", "handler2", "mediator", "liaison", "dispatcher"]
        )
    }
    if len(users) < 4:
        return 0
    units = {u.code: u for u in Unit.objects.all()}
    mediator, handler = users["mediator"], users["handler"]
    roster = {m.body.code: m for m in Mediator.objects.filter(user=mediator).select_related("body")}
    today = calendar.today()
    made = 0

    def parties(i):
        a, b = PARTIES[i]
        return [{**a, "role": "applicant"}, {**b, "role": "respondent"}]

    def consent_all(case):
        for party in case.dispute.parties.all():
            services.case_record_consent(
                actor=mediator, case_id=case.pk, party_id=party.pk, consented=True
            )

    # 1. A land dispute settled by the land committee: agreement, window open.
    d = services.dispute_create(
        actor=users.get("liaison", handler),
        source=Source.SCREENING,
        type="land",
        place=units[TOWNSHIP_A + "001"],
        summary="承包地边界纠纷",
        details="两户承包地相邻，因地界石移位发生争执，多次争吵。",
        parties=parties(0),
        received_on=today - dt.timedelta(days=12),
    )
    services.dispute_route(
        actor=handler, dispute_id=d.pk, to="committee", note="周碰头会分流至土地纠纷调委会"
    )
    case = services.case_open(
        actor=mediator,
        dispute_id=d.pk,
        mediators=[roster["410481-TJ04"].pk] if "410481-TJ04" in roster else [],
    )
    consent_all(case)
    services.case_record_session(
        actor=mediator,
        case_id=case.pk,
        present=["王秀兰", "李建军", mediator.get_full_name() or "调解员"],
        signed_by=["王秀兰", "李建军", mediator.get_full_name() or "调解员"],
        record="双方陈述意见；调解员释明《农村土地承包法》有关规定；双方同意按承包合同四至恢复地界。",
        place="舞钢市土地纠纷人民调解委员会",
    )
    services.agreement_record(
        actor=mediator,
        case_id=case.pk,
        form="written",
        facts="王秀兰与李建军承包地相邻，因地界石移位发生争执。",
        issues="地界位置；已种青苗的补偿。",
        responsibilities="李建军移动地界石，负主要责任；王秀兰未及时协商，负次要责任。",
        terms=[
            {
                "text": "李建军按承包合同四至恢复地界石",
                "obliged": "李建军",
                "how": "村委会见证下恢复",
                "due_on": today + dt.timedelta(days=10),
            },
            {
                "text": "王秀兰补偿李建军青苗损失800元",
                "obliged": "王秀兰",
                "how": "现金支付",
                "due_on": today + dt.timedelta(days=5),
            },
        ],
    )
    made += 1

    # 2. A traffic accident in mediation at the traffic committee.
    d = services.dispute_create(
        actor=handler,
        source=Source.POLICE,
        type="traffic",
        place=units[TOWNSHIP_A],
        summary="道路交通事故赔偿纠纷",
        parties=parties(1),
        referral_ref="舞公交调字〔2026〕15号",
        received_on=today - dt.timedelta(days=6),
    )
    d = services.dispute_route(actor=handler, dispute_id=d.pk, to="committee")
    team = list(Mediator.objects.filter(body=d.body).values_list("pk", flat=True)[:2])
    case = services.case_open(actor=mediator, dispute_id=d.pk, mediators=team)
    consent_all(case)
    services.case_record_session(
        actor=mediator,
        case_id=case.pk,
        present=["张国强", "运输公司代理人"],
        signed_by=["张国强", "运输公司代理人"],
        record="双方对责任认定无异议，对赔偿数额分歧较大，约定下周再次调解。",
    )
    made += 1

    # 3. A wage dispute received at the city centre: a party refused mediation.
    d, _created = services.dispute_register(
        actor=mediator,
        source=Source.APPLICATION,
        type="labor",
        place=units[TOWNSHIP_B + "002"],
        received_by=units[CITY_MEDIATION[0]],
        summary="拖欠农民工工资",
        parties=parties(2),
        body=units[CITY_MEDIATION[0]],
    )
    case = services.case_open(actor=mediator, dispute_id=d.pk)
    company = d.parties.get(role="respondent")
    services.case_record_consent(
        actor=mediator, case_id=case.pk, party_id=company.pk, consented=False, note="公司拒绝调解"
    )
    made += 1

    # 4. A neighbours' dispute waiting for consent at the village's room.
    d = services.dispute_create(
        actor=users.get("liaison", handler),
        source=Source.SCREENING,
        type="neighbour",
        place=units[TOWNSHIP_A + "002"],
        summary="邻里排水纠纷",
        parties=parties(3),
    )
    services.case_open(actor=handler, dispute_id=d.pk)
    made += 1

    # 5. A debt dispute passed up village → township → city, now mediated by the city centre.
    d = services.dispute_create(
        actor=handler,
        source=Source.SCREENING,
        type="debt",
        place=units[TOWNSHIP_A + "003"],
        summary="民间借贷纠纷",
        parties=parties(4),
        received_on=today - dt.timedelta(days=20),
    )
    services.case_open(actor=handler, dispute_id=d.pk)
    services.dispute_escalate(actor=handler, dispute_id=d.pk, note="村调解室调解未果，双方分歧大")
    case = services.dispute_escalate(
        actor=handler, dispute_id=d.pk, note="涉及金额较大，镇中心提请市中心调解"
    )
    consent_all(case)
    made += 1

    # 6. A family dispute in township B, awaiting sorting at the weekly meeting.
    services.dispute_create(
        actor=users.get("handler2", handler),
        source=Source.SCREENING,
        type="family",
        place=units[TOWNSHIP_B + "001"],
        summary="赡养纠纷",
        parties=parties(5),
    )
    made += 1

    # 7. A demo petition about unpaid wages diverted to mediation (优先调解).
    dispatcher = users.get("dispatcher")
    petition = (
        Petition.objects.filter(
            state__in=diversion.PETITION_DIVERTIBLE_STATES,
            summary__contains="工资",
            accusation=False,
        )
        .exclude(purpose="accusation")
        .order_by("id")
        .first()
    )
    if dispatcher is not None and petition is not None:
        services.petition_divert(
            actor=dispatcher,
            petition_id=petition.pk,
            type="labor",
            respondents=[{"name": "舞钢市某劳务公司", "is_organisation": True}],
            to="committee",
            note="劳资纠纷，先行调解",
        )
        made += 1
    return made


def seed_demo_mediation() -> tuple[int, int]:
    mediators = seed_rosters()
    with transaction.atomic():
        disputes = seed_demo_disputes()
    return mediators, disputes
