"""Helpers of the hearing tests (a fixtures module, imported by test modules; never a
test module itself): a matter walked into re-review, and a hearing's participants."""

from __future__ import annotations

import datetime as dt

from xinfang.petitions import services as petition_services
from xinfang.petitions.models import State
from xinfang.petitions.tests.fixtures import answer

VILLAGE = "410481102001"
PARTICIPANTS = [
    {"name": "赵人大", "role": "deputy", "phone": "13800001111", "affiliation": "市人大代表"},
    {"name": "钱政协", "role": "cppcc", "phone": "13800002222"},
    {"name": "孙律师", "role": "lawyer", "phone": "0375-6123456", "affiliation": "某律师事务所"},
    {"name": "李村民", "role": "villager", "phone": ""},
    {"name": "张三", "role": "petitioner", "phone": "13812345678"},
]
FACTS = {"facts": "经调查核实，情况属实。", "legal_basis": "《保障农民工工资支付条例》第三条"}


def act(actor, p, action, **fields):
    return petition_services.petition_act(actor=actor, petition_id=p.pk, action=action, **fields)


def walk_to_re_review(*, people, register, travel, make_person, demo_tree):
    """A matter answered by a village, reviewed by its township (people["handler"]),
    now under re-review at the city (people["reviewer"], 舞钢市)."""
    village = make_person("handler", demo_tree[VILLAGE], username="t-village-handler")
    travel("2026-11-02")
    p = register()
    act(people["dispatcher"], p, "forward", responsible_unit=demo_tree[VILLAGE])
    act(village, p, "sign")
    act(village, p, "accept")
    travel("2026-11-20")
    answer(village, p, "reply", outcome="reject", text="经调查，诉求缺乏依据。", **FACTS)
    act(village, p, "record_service", method="direct", served_on=dt.date(2026, 11, 20))
    travel("2026-11-25")
    p = petition_services.petition_request_review(query_code=p.query_code, reasons="不服。")
    answer(people["handler"], p, "review_reply", outcome="uphold", text="维持原处理意见。",
           **FACTS)  # fmt: skip
    p.refresh_from_db()
    if p.served_on is None:
        act(people["handler"], p, "record_service", method="direct",
            served_on=dt.date(2026, 11, 25))  # fmt: skip
    travel("2026-12-01")
    p = petition_services.petition_request_re_review(
        query_code=p.query_code, reasons="不服复查意见。"
    )
    assert p.state == State.UNDER_RE_REVIEW
    return p


def attendance(hearing, *, absent=(), views=None):
    """Every participant of `hearing`: attended unless named in `absent`."""
    views = views or {}
    return [
        {
            "id": person.pk,
            "attended": person.name not in absent,
            "view": views.get(person.name, f"{person.name}认为应依法依规处理。"),
        }
        for person in hearing.participants.order_by("order", "id")
    ]
