"""Personas and helpers for the tests of disputes and mediation cases."""

import datetime as dt

import pytest

from xinfang.mediation import services
from xinfang.mediation.models import Source
from xinfang.orgs.demo import TOWNSHIP_A, TOWNSHIP_B

__all__ = ["new_dispute"]  # the fixture, for `import *` in the tests

VILLAGE_A = TOWNSHIP_A + "001"
VILLAGE_B = TOWNSHIP_B + "001"
ROOM_A = VILLAGE_A + "-TJ"
CENTRE_A = TOWNSHIP_A + "-TJ"
CENTRE_B = TOWNSHIP_B + "-TJ"
CITY_CENTRE = "410481-TJ"
LAND_COMMITTEE = "410481-TJ04"
LABOR_COMMITTEE = "410481-TJ07"


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
