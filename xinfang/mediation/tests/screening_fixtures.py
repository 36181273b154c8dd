"""Personas and helpers of the screening, ledger and meeting tests."""

import pytest

from xinfang.orgs.demo import TOWNSHIP_A, TOWNSHIP_B

VILLAGE_A1 = TOWNSHIP_A + "001"
VILLAGE_A2 = TOWNSHIP_A + "002"
VILLAGE_B1 = TOWNSHIP_B + "001"


@pytest.fixture
def crew(demo_tree, make_person):
    """The liaisons of two villages of township A and one of township B, township
    staff of A and B, a city leader and the township A centre's mediator."""
    t = demo_tree
    return {
        "liaison_a1": make_person("liaison", t[VILLAGE_A1], username="s-liaison-a1"),
        "liaison_a2": make_person("liaison", t[VILLAGE_A2], username="s-liaison-a2"),
        "liaison_b1": make_person("liaison", t[VILLAGE_B1], username="s-liaison-b1"),
        "handler_a": make_person("handler", t[TOWNSHIP_A], username="s-handler-a"),
        "handler_b": make_person("handler", t[TOWNSHIP_B], username="s-handler-b"),
        "leader_a": make_person("leader", t[TOWNSHIP_A], username="s-leader-a"),
        "mediator_a": make_person("mediator", t[TOWNSHIP_A + "-TJ"], username="s-mediator-a"),
        "city_leader": make_person("leader", t["410481"], username="s-city-leader"),
        "analyst": make_person("analyst", t["410481"], username="s-analyst"),
    }


def dispute_input(**over) -> dict:
    d = {
        "type": "neighbour",
        "risk": "low",
        "summary": "宅基地边界争执",
        "parties": [
            {"name": "王大山", "role": "applicant"},
            {"name": "李小河", "role": "respondent"},
        ],
        "outcome": "resolved",
        "how_resolved": "村调解员现场丈量，双方认可",
    }
    d.update(over)
    return d


def passed_up_input(**over) -> dict:
    d = dispute_input(
        type="labor",
        risk="medium",
        summary="工地拖欠三名村民工资",
        parties=[
            {"name": "赵铁柱", "role": "applicant"},
            {"name": "钱老板", "role": "respondent"},
        ],
        outcome="passed_up",
        how_resolved="",
    )
    d.update(over)
    return d
