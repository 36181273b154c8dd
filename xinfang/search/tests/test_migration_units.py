"""Migration 0004 fills the reach units of the entries there are, and on SQLite
makes the FTS5 triggers again (adding the column makes the table again)."""

import pytest
from django.core.management import call_command
from django.db import connection

from xinfang.petitions.categories import seed_categories
from xinfang.petitions.models import Category
from xinfang.search import selectors
from xinfang.search.models import Kind, SearchEntry


@pytest.fixture
def categories(transactional_db):
    """A transactional test starts from empty tables (another one may have
    flushed the categories the migrations wrote): seeded again first."""
    seed_categories(Category)


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_units_and_keeps_the_index(categories, register, people):
    p = register(summary="拖欠工资", content="公司拖欠工资三个月。")
    expected = set(SearchEntry.objects.get(kind=Kind.PETITION, object_id=p.pk).units)
    assert expected
    try:
        call_command("migrate", "search", "0003", verbosity=0)
        with connection.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM search_searchentry")
            assert cur.fetchone()[0] == 1
        call_command("migrate", "search", verbosity=0)
    finally:
        call_command("migrate", verbosity=0)
    assert set(SearchEntry.objects.get(object_id=p.pk).units) == expected
    assert [h.number for h in selectors.search(user=people["handler"], text="拖欠工资").hits] == [
        p.number
    ]
    # The index still follows a change (the triggers are there again).
    p.content = "开发商延期交房"
    p.save()
    assert [h.number for h in selectors.search(user=people["handler"], text="交房").hits] == [
        p.number
    ]
