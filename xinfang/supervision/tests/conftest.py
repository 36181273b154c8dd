"""The supervision area's personas, for every test module here (built on the root
conftest's demo_tree and make_person): `sv` holds the city's supervisor and
dispatcher (at the petition office), township A's handler and head, the owning
leader, township B's handler (an outsider to A's matters) and liaison, a matter
forwarded to township A, and a dispute on township A's ledger."""

import datetime as dt

import pytest

from xinfang.mediation import services as mediation_services
from xinfang.mediation.models import Dispute
from xinfang.orgs.demo import CITY_RECEPTION, PETITION_OFFICE, TOWNSHIP_A, TOWNSHIP_B
from xinfang.petitions import services as petition_services
from xinfang.petitions.models import Category

from .helpers import DAY, VALID_ID


@pytest.fixture
def sv(demo_tree, make_person, travel):
    travel(DAY)
    u = demo_tree
    people = {
        "supervisor": make_person("supervisor", u[PETITION_OFFICE[0]], username="s-supervisor"),
        "dispatcher": make_person("dispatcher", u[PETITION_OFFICE[0]], username="s-dispatcher"),
        "clerk": make_person("clerk", u[CITY_RECEPTION[0]], username="s-clerk"),
        "handler": make_person("handler", u[TOWNSHIP_A], username="s-handler"),
        "head": make_person("unit_head", u[TOWNSHIP_A], username="s-head"),
        "leader": make_person("leader", u["410481"], username="s-leader"),
        "outsider": make_person("handler", u[TOWNSHIP_B], username="s-outsider"),
        "liaison": make_person("liaison", u[TOWNSHIP_A + "001"], username="s-liaison"),
        "units": u,
    }
    return people


@pytest.fixture
def matter(sv):
    """matter() -> a matter forwarded to township A (the leader owns it)."""

    def make(summary="拖欠工资三个月", owned=True):
        p = petition_services.petition_register(
            actor=sv["clerk"],
            registering_unit=sv["units"][CITY_RECEPTION[0]],
            channel="visit",
            purpose="appeal",
            category=Category.objects.get(code="0401"),
            place=sv["units"][TOWNSHIP_A + "001"],
            summary=summary,
            content="某公司拖欠我们工资三个月，多次讨要未果。",
            petitioners=[{"name": "张三", "id_number": VALID_ID, "phone": "13812345678"}],
            people_count=1,
        )
        p = petition_services.petition_forward(
            actor=sv["dispatcher"], petition_id=p.pk, responsible_unit=sv["units"][TOWNSHIP_A]
        )
        if owned:
            p = petition_services.petition_own(
                actor=sv["leader"], petition_id=p.pk, plan="一案一策：约访。"
            )
        return p

    return make


@pytest.fixture
def ledger_dispute(sv):
    """ledger_dispute() -> an open dispute on township A's ledger, its deadline passed."""

    def make(deadline=dt.date(2026, 10, 30), summary="宅基地边界纠纷"):
        d = mediation_services.dispute_create(
            actor=sv["liaison"],
            source="screening",
            type="land",
            place=sv["units"][TOWNSHIP_A + "001"],
            summary=summary,
            details="两户因宅基地边界围墙发生争执。",
            parties=[
                {"name": "张大山", "id_number": VALID_ID, "phone": "13812345678"},
                {"name": "李小河", "phone": "13987654321"},
            ],
        )
        # The township's weekly meeting set this deadline (stands in for its decision).
        Dispute.objects.filter(pk=d.pk).update(deadline=deadline, responsible_leader=sv["leader"])
        d.refresh_from_db()
        return d

    return make
