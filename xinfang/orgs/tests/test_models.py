"""The name a unit issues written notices under (its organ)."""

import pytest

from xinfang.orgs.demo import TOWNSHIP_A


@pytest.mark.parametrize(
    ("code", "organ"),
    [
        ("410481", "舞钢市人民政府"),
        (TOWNSHIP_A, "八台镇人民政府"),
        ("410481-XF", "市委群工部（市信访局）"),
    ],
)
def test_a_territorial_unit_issues_as_its_government(demo_tree, code, organ):
    assert demo_tree[code].organ_name == organ


def test_villages_and_communities_issue_as_their_committees(demo_tree):
    villages = [u for u in demo_tree.values() if u.level == "village" and u.is_territorial]
    for v in villages:
        expected = "居民委员会" if v.name.endswith("社区") else "村民委员会"
        assert v.organ_name.endswith(expected), v.organ_name


def test_a_formal_name_set_by_the_administrator_wins(demo_tree):
    unit = demo_tree[TOWNSHIP_A]
    unit.formal_name = "中共八台镇委员会 八台镇人民政府"
    assert unit.organ_name == "中共八台镇委员会 八台镇人民政府"
