"""The analytics area's personas and a generator of matters with known fields
(rows written directly, in the shape the petition services leave them: the
figures read rows, and a year through the workflow would take minutes)."""

import datetime as dt
import itertools

import pytest

from xinfang.mediation.models import Dispute
from xinfang.orgs.demo import PETITION_OFFICE
from xinfang.orgs.models import Unit
from xinfang.petitions.models import Category, Evaluation, Petition

_seq = itertools.count(1)


@pytest.fixture
def city_leader(demo_tree, make_person):
    return make_person("leader", demo_tree["410481"], username="a-city-leader")


@pytest.fixture
def township_leader(township_a, make_person):
    return make_person("leader", township_a, username="a-township-leader")


@pytest.fixture
def township_b_leader(township_b, make_person):
    return make_person("leader", township_b, username="a-township-b-leader")


@pytest.fixture
def cat_labor(db):
    return Category.objects.get(code="0401")


@pytest.fixture
def cat_air(db):
    return Category.objects.get(code="0501")


@pytest.fixture
def village_b(township_b):
    return Unit.objects.filter(parent=township_b).order_by("code").first()


@pytest.fixture
def make_matters(demo_tree, cat_labor):
    """make_matters(n, received_on=..., **fields) -> the n new matters."""
    office = demo_tree[PETITION_OFFICE[0]]

    def make(n, **over):
        made = []
        for _i in range(n):
            k = next(_seq)
            fields = dict(
                number=f"T-{k:06d}",
                query_code=f"Q{k:012d}",
                channel="visit",
                purpose="appeal",
                category=cat_labor,
                place=demo_tree["410481102001"],
                summary=f"测试事项{k}",
                content="测试",
                received_on=dt.date(2025, 3, 10),
                registering_unit=office,
                office=office,
                state="registered",
            )
            fields.update(over)
            made.append(Petition.objects.create(**fields))
        return made

    return make


@pytest.fixture
def evaluate(db):
    def make(petition, unit_rating, office_rating, round_="opinion"):
        return Evaluation.objects.create(
            petition=petition,
            round=round_,
            unit=petition.responsible_unit,
            unit_rating=unit_rating,
            office_rating=office_rating,
        )

    return make


@pytest.fixture
def make_dispute(township_a):
    def make(state, received_on=dt.date(2025, 5, 1), place=None):
        k = next(_seq)
        place = place or Unit.objects.filter(parent=township_a).order_by("code").first()
        return Dispute.objects.create(
            number=f"D-{k:06d}",
            source="application",
            type="traffic",
            summary="邻里纠纷",
            place=place,
            arose_level="village",
            township=township_a,
            received_on=received_on,
            received_by=township_a,
            state=state,
            settled_on=received_on if state == "settled" else None,
            settled_level="village" if state == "settled" else "",
            closed_on=received_on if state in ("settled", "failed", "withdrawn") else None,
        )

    return make
