"""Demo matters for `make run`: a register with something in every state and colour.

Everything goes through the services, as a clerk, dispatcher and handler would do
it; receipt dates lie in the past so that some clocks are due soon or overdue."""

import datetime as dt

from django.contrib.auth import get_user_model

from xinfang.core import calendar
from xinfang.orgs.demo import CITY_RECEPTION
from xinfang.orgs.models import Unit

from . import services
from .models import Category, Petition

# (summary, category code, place code, days ago received, how far it goes)
MATTERS = [
    ("村民反映企业拖欠工资三个月", "0401", "410481102001", 2, "registered"),
    ("小区物业服务收费不透明", "0103", "410481001001", 13, "registered"),
    ("宅基地确权纠纷", "0202", "410481101002", 20, "registered"),
    ("道路施工噪声扰民", "0503", "410481002001", 5, "forwarded"),
    ("土地承包合同纠纷", "0201", "410481101003", 9, "pending_acceptance"),
    ("养老保险待遇核定有误", "0402", "410481102003", 4, "accepted"),
    ("河道排污影响灌溉", "0502", "410481101001", 6, "accepted"),
    ("学校周边交通安全隐患", "0802", "410481102002", 3, "opinion_issued"),
    ("低保资格认定不公", "1101", "410481102004", 10, "not_accepted"),
    ("医疗费用报销纠纷", "0701", "410481005001", 8, "forwarded"),
    # The township objects (退回) and the petition office has to decide.
    ("企业退休人员社保关系转移", "0402", "410481102002", 3, "return_requested"),
]

PEOPLE = [
    "王秀兰",
    "李建军",
    "张国强",
    "刘桂英",
    "陈志明",
    "杨丽",
    "赵海",
    "黄小军",
    "周红",
    "吴德才",
    "郑桂芳",
]


def seed_demo_petitions() -> int:
    if Petition.objects.exists():
        return 0
    User = get_user_model()
    clerk = User.objects.get(username="clerk")
    dispatcher = User.objects.get(username="dispatcher")
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["handler", "handler2", "unit_head"])
    }
    head = users["unit_head"]
    units = {u.code: u for u in Unit.objects.all()}
    today = calendar.today()
    made = 0
    for i, (summary, cat, place_code, ago, goal) in enumerate(MATTERS):
        place = units[place_code]
        p = services.petition_register(
            actor=clerk,
            registering_unit=units[CITY_RECEPTION[0]],
            channel=["visit", "letter", "phone"][i % 3],
            purpose="appeal",
            category=Category.objects.get(code=cat),
            place=place,
            summary=summary,
            content=f"{summary}，请求有关部门依法处理。",
            request="请求依法处理。",
            petitioners=[{"name": PEOPLE[i], "phone": f"1380000{1000 + i:04d}"}],
            received_on=today - dt.timedelta(days=ago),
        )
        made += 1
        if goal == "registered":
            continue
        township = place if place.level == "township" else place.parent
        if goal == "not_accepted":
            services.petition_act(
                actor=dispatcher,
                petition_id=p.pk,
                action="decline_intake",
                route="reconsideration",
                reason="属于行政复议范围，请依法申请行政复议。",
            )
            continue
        services.petition_act(
            actor=dispatcher, petition_id=p.pk, action="forward", responsible_unit=township
        )
        handler = (
            users["handler"]
            if township.code == "410481102"
            else users["handler2"]
            if township.code == "410481101"
            else None
        )
        if goal == "forwarded" or handler is None:
            continue
        if goal == "return_requested":
            services.petition_act(
                actor=handler,
                petition_id=p.pk,
                action="return",
                reason="社保关系转移属市人力资源和社会保障局职权，不属本镇职权范围。",
            )
            continue
        services.petition_act(actor=handler, petition_id=p.pk, action="sign")
        if goal == "pending_acceptance":
            continue
        services.petition_act(actor=handler, petition_id=p.pk, action="accept")
        if goal == "accepted":
            continue
        # 签发: the handler drafts, the township's head approves, the handler issues.
        services.opinion_sign_off(
            author=handler,
            approver=head,
            petition_id=p.pk,
            outcome="support",
            text="经调查核实，已责成有关单位整改。",
            facts="经调查核实，信访人反映的问题属实，有关单位未按规定履行职责。",
            legal_basis="《中华人民共和国劳动法》第五十条",
        )
    return made
