import pytest

from xinfang.core.exceptions import InvalidInput
from xinfang.orgs import services
from xinfang.orgs.models import Level, Unit, UnitKind, UnitLink
from xinfang.orgs.selectors import unit_above, units_above


def subtree_codes(unit):
    return set(Unit.objects.filter(ancestor_links__ancestor=unit).values_list("code", flat=True))


@pytest.fixture
def small_tree(db):
    city = services.unit_create(code="C", name="市", kind=UnitKind.TERRITORIAL, level=Level.CITY)
    t1 = services.unit_create(
        code="T1", name="一镇", kind=UnitKind.TERRITORIAL, level=Level.TOWNSHIP, parent=city
    )
    t2 = services.unit_create(
        code="T2", name="二镇", kind=UnitKind.TERRITORIAL, level=Level.TOWNSHIP, parent=city
    )
    v1 = services.unit_create(
        code="V1", name="一村", kind=UnitKind.TERRITORIAL, level=Level.VILLAGE, parent=t1
    )
    r1 = services.unit_create(
        code="V1R",
        name="一村调解室",
        kind=UnitKind.MEDIATION_CENTRE,
        level=Level.VILLAGE,
        parent=v1,
    )
    return city, t1, t2, v1, r1


def test_it_links_every_unit_to_all_its_ancestors(small_tree):
    city, t1, t2, v1, r1 = small_tree
    assert subtree_codes(city) == {"C", "T1", "T2", "V1", "V1R"}
    assert subtree_codes(t1) == {"T1", "V1", "V1R"}
    assert UnitLink.objects.get(ancestor=city, descendant=r1).distance == 3
    assert r1.depth == 3


def test_moving_a_unit_moves_its_subtree(small_tree):
    city, t1, t2, v1, r1 = small_tree
    services.unit_update(unit=v1, parent=t2)
    assert subtree_codes(t1) == {"T1"}
    assert subtree_codes(t2) == {"T2", "V1", "V1R"}
    assert subtree_codes(city) == {"C", "T1", "T2", "V1", "V1R"}
    assert UnitLink.objects.get(ancestor=t2, descendant=r1).distance == 2
    r1.refresh_from_db()
    assert r1.depth == 3


def test_a_unit_cannot_go_below_itself(small_tree):
    city, t1, t2, v1, r1 = small_tree
    with pytest.raises(InvalidInput):
        services.unit_update(unit=t1, parent=r1)
    assert subtree_codes(t1) == {"T1", "V1", "V1R"}


def test_a_committee_needs_its_type(small_tree):
    city = small_tree[0]
    with pytest.raises(InvalidInput) as exc:
        services.unit_create(
            code="X",
            name="委员会",
            kind=UnitKind.MEDIATION_COMMITTEE,
            level=Level.CITY,
            parent=city,
        )
    assert "mediation_type" in exc.value.field_errors
    assert not Unit.objects.filter(code="X").exists()


def test_the_database_refuses_a_committee_without_type(small_tree):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(
            code="Y",
            name="x",
            kind=UnitKind.MEDIATION_COMMITTEE,
            level=Level.CITY,
            parent=small_tree[0],
        )


def test_unit_above_strictly_above_is_the_nearest_ancestor_not_the_unit(demo_tree):
    village = next(u for u in demo_tree.values() if u.level == "village")
    assert unit_above(village) == village
    parent = unit_above(village, include_self=False)
    assert parent == village.parent
    assert str(units_above(village, include_self=False).query).count(" JOIN ") == 1
