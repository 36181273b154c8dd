"""Personas and helpers for the tests of disputes and mediation cases."""

import datetime as dt

import pytest

from xinfang.mediation import services
from xinfang.mediation.models import Mediator, Source
from xinfang.orgs.demo import TOWNSHIP_A, TOWNSHIP_B

__all__ = ["med", "new_dispute"]  # the fixtures, for `import *` in the tests

VILLAGE_A = TOWNSHIP_A + "001"
VILLAGE_B = TOWNSHIP_B + "001"
ROOM_A = VILLAGE_A + "-TJ"
CENTRE_A = TOWNSHIP_A + "-TJ"
CENTRE_B = TOWNSHIP_B + "-TJ"
CITY_CENTRE = "410481-TJ"
LAND_COMMITTEE = "410481-TJ04"
LABOR_COMMITTEE = "410481-TJ07"


@pytest.fixture
def med(demo_tree, make_person):
    """Township staff, mediators at each level (each on their body's roster), outsiders."""
    u = demo_tree
    people = {
        "handler_a": make_person("handler", u[TOWNSHIP_A], username="m-handler-a"),
        "handler_b": make_person("handler", u[TOWNSHIP_B], username="m-handler-b"),
        "room_a": make_person("mediator", u[ROOM_A], username="m-room-a"),
        "centre_a": make_person("mediator", u[CENTRE_A], username="m-centre-a"),
        "centre_b": make_person("mediator", u[CENTRE_B], username="m-centre-b"),
        "city_centre": make_person("mediator", u[CITY_CENTRE], username="m-city"),
        "land": make_person("mediator", u[LAND_COMMITTEE], username="m-land"),
        "labor": make_person("mediator", u[LABOR_COMMITTEE], username="m-labor"),
        "liaison_a": make_person("liaison", u[VILLAGE_A], username="m-liaison-a"),
        "clerk": make_person("clerk", u["410481-JD"], username="m-clerk"),
    }
    roster = {}
    for key, code, name in [
        ("room_a", ROOM_A, "王调解"),
        ("centre_a", CENTRE_A, "李调解"),
        ("centre_b", CENTRE_B, "钱调解"),
        ("city_centre", CITY_CENTRE, "赵调解"),
        ("land", LAND_COMMITTEE, "孙调解"),
        ("labor", LABOR_COMMITTEE, "周调解"),
    ]:
        roster[key] = Mediator.objects.create(
            body=u[code], user=people[key], name=name, full_time=True
        )
    roster["land2"] = Mediator.objects.create(body=u[LAND_COMMITTEE], name="吴调解")
    people["roster"] = roster
    people["units"] = u
    return people


PARTIES = [
    {"name": "张大山", "id_number": "11010519491231002X", "phone": "13812345678"},
    {"name": "李小河", "phone": "13987654321"},
]


@pytest.fixture
def new_dispute(med):
    """new_dispute(type="land") -> a dispute passed up from a village's screening,
    standing in for one the township's weekly meeting has assigned."""

    def make(type="land", place=VILLAGE_A, source=Source.SCREENING, **kw):
        fields = dict(
            actor=med["liaison_a"],
            source=source,
            type=type,
            place=med["units"][place],
            summary="宅基地边界纠纷",
            details="两户因宅基地边界围墙发生争执。",
            parties=[dict(p) for p in PARTIES],
        )
        fields.update(kw)
        return services.dispute_create(**fields)

    return make


def consent_all(case, actor):
    for party in case.dispute.parties.all():
        services.case_record_consent(
            actor=actor, case_id=case.pk, party_id=party.pk, consented=True
        )
    case.refresh_from_db()
    return case


TERMS = [
    {"text": "李小河拆除越界围墙", "obliged": "李小河", "how": "自行拆除", "due_on": "2026-03-31"},
    {
        "text": "张大山补偿李小河砌墙费用2000元",
        "obliged": "张大山",
        "how": "现金支付",
        "due_on": "2026-03-20",
    },
]


def agree(case, actor, **kw):
    fields = dict(
        actor=actor,
        case_id=case.pk,
        form="written",
        facts="双方系邻居，因宅基地边界围墙发生争执。",
        issues="围墙是否越界，费用由谁承担。",
        responsibilities="李小河砌墙越界，负主要责任；张大山未及时协商，负次要责任。",
        terms=[dict(t) for t in TERMS],
    )
    fields.update(kw)
    return services.agreement_record(**fields)


def d(value: str) -> dt.date:
    return dt.date.fromisoformat(value)
