"""Fixed-shape reads compiled once per connection (core.compiled): the same rows,
objects and related objects as the queryset they were built from, for any values;
compiled once; wrong values refused before anything runs."""

import pytest
from django.db import connection, connections
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from xinfang.core.compiled import CompiledQuery
from xinfang.orgs.models import Unit


def _children(parent_id: int):
    return Unit.objects.filter(parent_id=parent_id).select_related("parent").order_by("code")


children = CompiledQuery(_children, (int,))


def test_the_same_objects_and_related_objects_as_the_queryset(demo_tree, city):
    parents = [city.pk, *Unit.objects.filter(parent=city).values_list("pk", flat=True)[:3]]
    for parent_id in parents:
        got = children(parent_id)
        want = list(_children(parent_id))
        assert [u.pk for u in got] == [u.pk for u in want]
        assert [u.name for u in got] == [u.name for u in want]
        for u in got:
            # select_related's object is there without another query.
            with CaptureQueriesContext(connection) as ctx:
                assert u.parent.pk == parent_id
            assert len(ctx.captured_queries) == 0
            assert u._state.db == "default" and not u._state.adding
    assert children(-5) == []


def test_compiled_once_per_connection_then_one_statement_a_call(demo_tree, city):
    connections["default"].__dict__.pop("_xf_compiled", None)
    children(city.pk)
    compiled = connections["default"].__dict__["_xf_compiled"][children, ()]
    with CaptureQueriesContext(connection) as ctx:
        children(city.pk)
        children(city.pk)
    assert len(ctx.captured_queries) == 2
    assert ctx.captured_queries[0]["sql"] == ctx.captured_queries[1]["sql"]
    assert connections["default"].__dict__["_xf_compiled"][children, ()] is compiled


def test_a_value_used_twice_and_values_lists(demo_tree, city):
    flat = CompiledQuery(
        lambda code, pk: (
            Unit.objects.filter(Q(code=code) | Q(parent_id=pk) | Q(pk=pk))
            .order_by("code")
            .values_list("code", flat=True)
        ),
        (str, int),
    )
    want = list(
        Unit.objects.filter(Q(code="nope") | Q(parent_id=city.pk) | Q(pk=city.pk))
        .order_by("code")
        .values_list("code", flat=True)
    )
    assert flat("nope", city.pk) == want and city.code in want
    township = Unit.objects.filter(parent=city).first()
    assert flat(township.code, -1) == [township.code]
    pairs = CompiledQuery(
        lambda pk: Unit.objects.filter(parent_id=pk).order_by("code").values_list("code", "name"),
        (int,),
    )
    assert pairs(city.pk) == list(
        Unit.objects.filter(parent_id=city.pk).order_by("code").values_list("code", "name")
    )


def test_annotations_are_set_on_the_objects(demo_tree, city):
    counted = CompiledQuery(
        lambda pk: Unit.objects.filter(pk=pk).annotate(n=Count("children")), (int,)
    )
    [u] = counted(city.pk)
    assert u.n == Unit.objects.filter(parent=city).count() > 0


def test_wrong_values_are_refused_before_anything_runs(db):
    with CaptureQueriesContext(connection) as ctx:
        with pytest.raises(TypeError):
            children("1")
        with pytest.raises(TypeError):
            children(1, 2)
    assert ctx.captured_queries == []
    with pytest.raises(TypeError):
        CompiledQuery(_children, (float,))


def test_a_value_folded_into_the_text_cannot_vary(db):
    sliced = CompiledQuery(lambda n: Unit.objects.all()[:n], (int,))
    with pytest.raises(ValueError, match="not a parameter"):
        sliced(3)


def test_a_list_of_keys_compiled_once_for_each_length(demo_tree, city):
    by_keys = CompiledQuery(
        lambda ids: Unit.objects.filter(pk__in=ids).select_related("parent").order_by("pk"),
        (list,),
    )
    ids = sorted(Unit.objects.values_list("pk", flat=True))[:6]
    for some in (ids[:1], ids[:3], ids[3:6], ids, [ids[0], -1]):
        assert [u.pk for u in by_keys(some)] == sorted(set(some) & set(ids))
    kept = [k for k in connections["default"].__dict__["_xf_compiled"] if k[0] is by_keys]
    assert sorted(k[1] for k in kept) == [(1,), (2,), (3,), (6,)]
    with CaptureQueriesContext(connection) as ctx:
        assert by_keys([]) == []
    assert ctx.captured_queries == []
    with pytest.raises(TypeError):
        by_keys(["1"])
    with pytest.raises(TypeError):
        by_keys((1, 2))
