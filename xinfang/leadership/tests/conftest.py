"""The leadership area's personas, for every test module here (built on the root
conftest's demo_tree and make_person, and the petitions' `people` and `register`):
the receptions' `rec` and `reception` (receptions_fixtures), the ownership's
leaders, outsider, matter and `make_plan`."""

import datetime as dt

import pytest

from xinfang.core import calendar
from xinfang.leadership import services

from .receptions_fixtures import rec, reception

__all__ = ["rec", "reception"]


@pytest.fixture
def leader(people):
    """A city leader (舞钢市): reaches every matter of the city."""
    return people["leader"]


@pytest.fixture
def township_leader(demo_tree, make_person):
    """A leader of the township the test matters arise in (八台镇)."""
    return make_person("leader", demo_tree["410481102"], username="t-township-leader")


@pytest.fixture
def outsider(demo_tree, make_person):
    """A leader of another township: sees nothing of township A's matters."""
    return make_person("leader", demo_tree["410481101"], username="t-outsider-leader")


@pytest.fixture
def matter(register):
    return register()


@pytest.fixture
def make_plan(leader, demo_tree):
    def make(petition, *, actor=None, owner=None, **over):
        fields = dict(
            unit=demo_tree["410481102"],
            person="王主任",
            measures="包案领导约见信访人，协调公司分期支付工资。",
            standard="工资全部支付，信访人签字息诉。",
            target_date=calendar.today() + dt.timedelta(days=30),
        )
        fields.update(over)
        return services.plan_create(
            actor=actor or leader, petition=petition, owner=owner or leader, **fields
        )

    return make
