"""The mediation area's one persona set, `med` (built on the root conftest's
demo_tree and make_person), registered for this area's tests by conftest.py and
imported by the exchange's tests that drive disputes."""

import pytest

from xinfang.mediation.models import Mediator
from xinfang.orgs.demo import TOWNSHIP_A, TOWNSHIP_B

from .case_fixtures import (
    CENTRE_A,
    CENTRE_B,
    CITY_CENTRE,
    LABOR_COMMITTEE,
    LAND_COMMITTEE,
    ROOM_A,
    VILLAGE_A,
)
from .screening_fixtures import VILLAGE_A2, VILLAGE_B1

__all__ = ["med"]  # the fixture, for `import *` in other areas' tests


@pytest.fixture
def med(demo_tree, make_person):
    """Everyone the mediation tests act as. Township A: its handler, leader and
    the liaisons of two of its villages; township B: its handler and a village's
    liaison; mediators of a village room, both townships' centres, the city
    centre and two professional committees, each on their body's roster (the land
    committee has a second mediator with no login); the city's leader, analyst
    and a clerk of a street office."""
    u = demo_tree
    people = {
        "handler_a": make_person("handler", u[TOWNSHIP_A], username="m-handler-a"),
        "handler_b": make_person("handler", u[TOWNSHIP_B], username="m-handler-b"),
        "leader_a": make_person("leader", u[TOWNSHIP_A], username="m-leader-a"),
        "liaison_a": make_person("liaison", u[VILLAGE_A], username="m-liaison-a"),
        "liaison_a2": make_person("liaison", u[VILLAGE_A2], username="m-liaison-a2"),
        "liaison_b1": make_person("liaison", u[VILLAGE_B1], username="m-liaison-b1"),
        "room_a": make_person("mediator", u[ROOM_A], username="m-room-a"),
        "centre_a": make_person("mediator", u[CENTRE_A], username="m-centre-a"),
        "centre_b": make_person("mediator", u[CENTRE_B], username="m-centre-b"),
        "city_centre": make_person("mediator", u[CITY_CENTRE], username="m-city"),
        "land": make_person("mediator", u[LAND_COMMITTEE], username="m-land"),
        "labor": make_person("mediator", u[LABOR_COMMITTEE], username="m-labor"),
        "city_leader": make_person("leader", u["410481"], username="m-city-leader"),
        "analyst": make_person("analyst", u["410481"], username="m-analyst"),
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
