import datetime as dt

import pytest
import time_machine

from xinfang.orgs import services as org_services
from xinfang.orgs.demo import CITY_RECEPTION, PETITION_OFFICE
from xinfang.orgs.models import Membership, Unit
from xinfang.petitions import services
from xinfang.petitions.models import Category

VALID_ID = "11010519491231002X"
VALID_ID_2 = "410481199505050298"
# The day the page tests register on (other areas' tests post the same form).
TODAY = "2026-11-02"


@pytest.fixture
def travel():
    """travel("2026-09-16") freezes the clock at 09:00 Beijing time on that day."""
    machines = []

    def go(day: str, hour: int = 9):
        while machines:
            machines.pop().stop()
        y, mo, d = map(int, day.split("-"))
        tm = time_machine.travel(
            dt.datetime(y, mo, d, hour, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
        )
        tm.start()
        machines.append(tm)

    yield go
    while machines:
        machines.pop().stop()


@pytest.fixture
def people(demo_tree, make_person):
    units = demo_tree
    return {
        "clerk": make_person("clerk", units[CITY_RECEPTION[0]], username="t-clerk"),
        "dispatcher": make_person("dispatcher", units[PETITION_OFFICE[0]], username="t-dispatcher"),
        "supervisor": make_person("supervisor", units[PETITION_OFFICE[0]], username="t-supervisor"),
        "handler": make_person("handler", units["410481102"], username="t-handler"),
        "handler_b": make_person("handler", units["410481101"], username="t-handler-b"),
        "unit_head": make_person("unit_head", units["410481102"], username="t-head"),
        "reviewer": make_person("handler", units["410481"], username="t-reviewer"),
        "leader": make_person("leader", units["410481"], username="t-leader"),
    }


@pytest.fixture
def category(db):
    return Category.objects.get(code="0401")  # 劳资纠纷/欠薪


@pytest.fixture
def village_a(demo_tree):
    return demo_tree["410481102001"]


@pytest.fixture
def register(people, category, village_a, demo_tree):
    def make(**over):
        fields = dict(
            actor=people["clerk"],
            registering_unit=demo_tree[CITY_RECEPTION[0]],
            channel="visit",
            purpose="appeal",
            category=category,
            place=village_a,
            summary="拖欠工资三个月",
            content="某公司拖欠我们工资三个月，多次讨要未果。",
            petitioners=[{"name": "张三", "id_number": VALID_ID, "phone": "13812345678"}],
            people_count=1,
        )
        fields.update(over)
        return services.petition_register(**fields)

    return make


def unit(code):
    return Unit.objects.get(code=code)


def form_data(category, place, **over):
    """The staff registration form's fields, filled in (petitions:register)."""
    data = {
        "registering_unit": unit(CITY_RECEPTION[0]).pk,
        "channel": "visit",
        "purpose": "appeal",
        "category": category.pk,
        "place": place.pk,
        "received_on": TODAY,
        "people_count": "1",
        "summary": "拖欠工资三个月",
        "content": "某公司拖欠我们工资三个月，多次讨要未果。",
        "request": "支付工资",
        "idempotency_key": "8f0c2f0e-3d5a-4f59-9a43-6f1f2a1b0c11",
        "petitioners-TOTAL_FORMS": "5",
        "petitioners-INITIAL_FORMS": "0",
        "petitioners-MIN_NUM_FORMS": "0",
        "petitioners-MAX_NUM_FORMS": "5",
        "petitioners-0-name": "张三",
        "petitioners-0-id_number": VALID_ID,
        "petitioners-0-phone": "13812345678",
        "petitioners-0-address": "八台镇张庄村",
    }
    data.update(over)
    return data


# The round's answer → the unit that answers it (its head approves the draft).
ANSWERING_UNIT = {
    "reply": "responsible_unit",
    "review_reply": "review_unit",
    "re_review_reply": "re_review_unit",
}


def approver_for(p, action: str = "reply"):
    """A unit head of the unit that answers `action` on `p` (made if none exists)."""
    unit_id = getattr(p, ANSWERING_UNIT[action] + "_id")
    m = Membership.objects.filter(unit_id=unit_id, role="unit_head").select_related("user").first()
    if m is not None:
        return m.user
    user = org_services.user_create(
        username=f"head-{unit_id}", password="Test-Passw0rd-2026", full_name="unit head"
    )
    org_services.membership_add(
        user=user, unit=Unit.objects.get(pk=unit_id), role="unit_head", is_primary=True
    )
    return user


def answer(actor, p, action: str = "reply", *, approver=None, **content):
    """Issue the written answer `action` (reply, review_reply, re_review_reply) the
    only way it goes out: `actor` drafts and submits it, the answering unit's head
    (`approver`, or one made for the test) approves it, `actor` issues it (签发)."""
    p.refresh_from_db()
    approver = approver or approver_for(p, action)
    return services.opinion_sign_off(author=actor, approver=approver, petition_id=p.pk, **content)
