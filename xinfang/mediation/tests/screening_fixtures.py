"""Personas and helpers of the screening, ledger and meeting tests."""

from xinfang.orgs.demo import TOWNSHIP_A, TOWNSHIP_B

VILLAGE_A1 = TOWNSHIP_A + "001"
VILLAGE_A2 = TOWNSHIP_A + "002"
VILLAGE_B1 = TOWNSHIP_B + "001"


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
