"""A matter's reach units on its search entry (SearchEntry.units): the first cut
of a search's visibility (engine._reach_cut), so they follow every change of the
matter's units in the writer's transaction, or the unit it was sent to would not
find it."""

import pytest
from django.db import transaction

from xinfang.petitions import services
from xinfang.petitions.tests.fixtures import unit
from xinfang.search import engine, index, selectors
from xinfang.search.models import Kind, SearchEntry

TOWNSHIP = "410481102"  # 八台镇, the township of village_a (the place)
OTHER_TOWNSHIP = "410481101"  # 枣林镇: people["handler_b"]


@pytest.fixture(autouse=True)
def always_cut(monkeypatch):
    """PostgreSQL cuts by the planner's estimate of the share the keys keep; in
    these tests it always cuts, so that a stale unit shows on both databases."""
    monkeypatch.setattr(engine, "REACH_CUT_SHARE", 1.0)


def units_of(p) -> set[str]:
    return set(SearchEntry.objects.get(kind=Kind.PETITION, object_id=p.pk).units)


def found_by(user, text="拖欠工资") -> list[str]:
    return [h.number for h in selectors.search(user=user, text=text).hits]


def forward(p, actor, **fields):
    return services.petition_act(actor=actor, petition_id=p.pk, action="forward", **fields)


def test_a_new_matter_keeps_its_units(wages):
    expected = {
        str(u)
        for u in (
            wages.place_id,
            wages.registering_unit_id,
            wages.office_id,
            wages.responsible_unit_id,
        )
        if u
    }
    assert units_of(wages) == expected


def test_a_matter_sent_to_another_township_is_found_there(wages, people, travel):
    travel("2026-11-02")
    assert found_by(people["handler_b"]) == []
    forward(
        wages,
        people["dispatcher"],
        responsible_unit=unit(OTHER_TOWNSHIP),
        reason="用工单位注册地在枣林镇。",
    )
    assert str(unit(OTHER_TOWNSHIP).pk) in units_of(wages)
    assert found_by(people["handler_b"]) == [wages.number]
    # The place's township still sees it (the place is one of its villages).
    assert found_by(people["handler"]) == [wages.number]


def test_an_assisting_unit_finds_the_matter_until_it_no_longer_assists(wages, people, travel):
    travel("2026-11-02")
    wages = forward(
        wages,
        people["dispatcher"],
        responsible_unit=unit(TOWNSHIP),
        assisting_units=[unit(OTHER_TOWNSHIP)],
    )
    assert str(unit(OTHER_TOWNSHIP).pk) in units_of(wages)
    assert found_by(people["handler_b"]) == [wages.number]
    wages.assisting_units.remove(unit(OTHER_TOWNSHIP))
    assert str(unit(OTHER_TOWNSHIP).pk) not in units_of(wages)
    assert found_by(people["handler_b"]) == []


def test_a_rolled_back_forward_leaves_the_units_as_they_were(wages, people, travel):
    travel("2026-11-02")
    before = units_of(wages)
    with pytest.raises(RuntimeError), transaction.atomic():
        forward(
            wages,
            people["dispatcher"],
            responsible_unit=unit(OTHER_TOWNSHIP),
            reason="用工单位注册地在枣林镇。",
        )
        assert str(unit(OTHER_TOWNSHIP).pk) in units_of(wages)
        raise RuntimeError("roll back")
    assert units_of(wages) == before
    assert found_by(people["handler_b"]) == []


def test_the_handlers_search_is_cut_by_his_units(people):
    where = engine._sources(people["handler"], [Kind.PETITION], {}, "工资")[0].where
    assert "units" in where


def test_a_rebuild_writes_units_lost_or_never_written(wages, people):
    SearchEntry.objects.filter(object_id=wages.pk).update(units=[])
    assert found_by(people["handler"]) == []  # the cut relies on them
    index.rebuild(kinds=[Kind.PETITION])
    assert found_by(people["handler"]) == [wages.number]


def test_the_cut_is_never_wider_than_the_lists(wages, accusation, people):
    """Units that reach the accusation (the place: a village of 八台镇) do not
    make it visible to the accused township's handler: the lists decide."""
    assert str(accusation.place_id) in units_of(accusation)
    r = selectors.search(user=people["handler"], text="克扣")
    assert (r.total, r.hits) == (0, [])


def test_searching_the_newest_entries_first_finds_the_same_candidates(
    register, people, monkeypatch
):
    """Without the cut (a user who sees most matters), the newest WINDOWS of
    entries are searched first; the candidates and the count are those of a
    search of everything."""
    matters = [register(summary=f"物业电梯{i}", content="物业 电梯 故障") for i in range(7)]
    register(summary="邻里纠纷", content="噪声扰民")
    monkeypatch.setattr(engine, "_reach_cut", lambda user: ("", []))
    monkeypatch.setattr(engine, "CANDIDATES", 3)
    monkeypatch.setattr(engine, "COUNT_CAP", 2)
    monkeypatch.setattr(selectors, "PAGE_SIZE", 10)
    monkeypatch.setattr(engine, "WINDOWS", ())
    everything = selectors.search(user=people["dispatcher"], text="物业 电梯")
    monkeypatch.setattr(engine, "WINDOWS", (1, 2, 4))
    windowed = selectors.search(user=people["dispatcher"], text="物业 电梯")
    newest = {p.number for p in matters[-3:]}
    assert {h.number for h in everything.hits} == newest
    assert [h.number for h in windowed.hits] == [h.number for h in everything.hits]
    assert (windowed.total, windowed.more) == (everything.total, everything.more) == (2, True)
