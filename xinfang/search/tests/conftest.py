"""The search area's personas and matters, built on the root conftest (demo_tree,
make_person) and the petitions' fixtures (`people`, `register`): `people["handler"]`
works at 八台镇 (410481102), where the matters arise; `people["handler_b"]` at
another township (410481101) sees none of them."""

import pytest

from xinfang.orgs.demo import CITY_RECEPTION
from xinfang.petitions import services

WAGES = "宏达建筑公司拖欠我们工资三个月，多次讨要未果，请求责令公司支付。"


@pytest.fixture
def wages(register):
    """A matter about unpaid wages at one employer (宏达建筑公司)."""
    return register(summary="宏达建筑公司拖欠工资", content=WAGES)


@pytest.fixture
def accusation(people, demo_tree, category, village_a):
    """An accusation against the township 八台镇 (its handler is the accused unit's user)."""
    return services.petition_register(
        actor=people["clerk"],
        registering_unit=demo_tree[CITY_RECEPTION[0]],
        channel="visit",
        purpose="accusation",
        category=category,
        place=village_a,
        summary="检举镇干部克扣拖欠工资",
        content="八台镇某干部克扣拖欠农民工工资，请求查处。",
        petitioners=[{"name": "李四", "phone": "13900001111"}],
        accused_unit=demo_tree["410481102"],
        accused_name="某副镇长",
    )
