"""Full-text search: any segmentation, synonyms, ranking, highlighting, the index
in the writer's transaction (SQLite FTS5 and PostgreSQL tsvector alike)."""

import pytest
from django.core.management import call_command
from django.db import transaction

from xinfang.search import query, selectors
from xinfang.search.models import Kind, SearchEntry


def numbers(results):
    return [h.number for h in results.hits]


def test_it_finds_a_two_word_phrase_in_any_segmentation(register, people):
    one = register(summary="拖欠工资", content="公司拖欠工资三个月。")
    two = register(summary="工资被拖欠", content="我们的工资被老板拖欠半年。")
    three = register(summary="邻里纠纷", content="隔壁装修噪声扰民。")
    r = selectors.search(user=people["dispatcher"], text="拖欠工资")
    assert set(numbers(r)) == {one.number, two.number}
    assert three.number not in numbers(r)
    r = selectors.search(user=people["dispatcher"], text="拖欠 工资")
    assert set(numbers(r)) == {one.number, two.number}


def test_it_finds_synonyms(register, people):
    owed = register(summary="欠薪", content="包工头欠薪不还。")
    r = selectors.search(user=people["dispatcher"], text="拖欠工资")
    assert numbers(r) == [owed.number]
    assert "欠薪" in str(r.hits[0].snippet)
    noise = register(summary="噪音", content="工厂夜间噪声很大。")
    assert numbers(selectors.search(user=people["dispatcher"], text="噪音")) == [noise.number]


def test_it_ranks_the_closer_match_first(register, people):
    weak = register(
        summary="多项诉求",
        content="反映道路、绿化、路灯、排水、停车等问题，其中也有工资拖欠。" * 3,
    )
    strong = register(summary="拖欠工资", content="拖欠工资，拖欠工资，工资一直拖欠。")
    r = selectors.search(user=people["dispatcher"], text="拖欠工资")
    assert numbers(r) == [strong.number, weak.number]
    assert r.hits[0].score != r.hits[1].score


def test_it_marks_the_words_and_escapes_everything_else(register, people):
    register(summary="<b>拖欠</b>工资", content='<script>alert("x")</script>公司拖欠工资。')
    hit = selectors.search(user=people["dispatcher"], text="拖欠工资").hits[0]
    assert "<mark>拖欠</mark>" in str(hit.snippet)
    assert "<script>" not in str(hit.snippet) and "&lt;script&gt;" in str(hit.snippet)
    assert "&lt;b&gt;<mark>拖欠</mark>&lt;/b&gt;" in str(hit.title)


def test_it_pages_and_counts(register, people):
    for i in range(selectors.PAGE_SIZE + 3):
        register(summary=f"拖欠工资{i}", content="拖欠工资")
    first = selectors.search(user=people["dispatcher"], text="拖欠工资")
    second = selectors.search(user=people["dispatcher"], text="拖欠工资", page=2)
    assert (first.total, first.pages, len(first.hits), len(second.hits)) == (23, 2, 20, 3)
    assert not set(numbers(first)) & set(numbers(second))


def test_a_common_word_counts_up_to_the_cap_and_ranks_the_newest_matches(
    register, people, monkeypatch, client
):
    """At a million matters a common word matches tens of thousands: the count
    stops at the cap ("more than ...") and only the newest candidates are ranked
    (engine.COUNT_CAP, engine.CANDIDATES; here 3 and 4)."""
    from xinfang.search import engine

    monkeypatch.setattr(engine, "COUNT_CAP", 3)
    monkeypatch.setattr(engine, "CANDIDATES", 4)
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    oldest_and_closest = register(summary="物业电梯", content="物业 电梯 物业 电梯 物业 电梯。")
    newer = [register(summary=f"物业问题{i}", content=f"物业收费问题第{i}件。") for i in range(5)]
    r = selectors.search(user=people["dispatcher"], text="物业")
    assert (r.total, r.more, r.pages) == (3, True, 2)
    # The best-ranked of all is the oldest: outside the 4 newest, so not ranked.
    first_two = numbers(r)
    later = numbers(selectors.search(user=people["dispatcher"], text="物业", page=2))
    assert oldest_and_closest.number not in first_two + later
    assert set(first_two + later) == {p.number for p in newer[1:]}
    client.force_login(people["dispatcher"])
    page = client.get("/search/", {"q": "物业"}).content.decode()
    assert "结果超过 3 条" in page
    api = client.get("/api/v1/search", {"q": "物业"}).json()
    assert (api["count"], api["more"]) == (3, True)
    # A narrower query counts exactly.
    r = selectors.search(user=people["dispatcher"], text="物业 电梯")
    assert (numbers(r), r.total, r.more) == ([oldest_and_closest.number], 1, False)


def test_it_filters_like_the_lists(register, people):
    p = register(summary="拖欠工资", content="拖欠工资")
    assert numbers(selectors.search(user=people["dispatcher"], text="工资", kind="dispute")) == []
    found = selectors.search(user=people["dispatcher"], text="工资", filters={"state": p.state})
    assert numbers(found) == [p.number]
    gone = selectors.search(user=people["dispatcher"], text="工资", filters={"state": "concluded"})
    assert gone.total == 0
    later = selectors.search(
        user=people["dispatcher"], text="工资", filters={"date_from": "2099-01-01"}
    )
    assert later.total == 0


def test_the_index_row_is_written_in_the_writers_transaction(register, people):
    with pytest.raises(RuntimeError), transaction.atomic():
        register(summary="拖欠工资", content="回滚的事项")
        assert SearchEntry.objects.filter(kind=Kind.PETITION).count() == 1
        raise RuntimeError("roll back")
    assert SearchEntry.objects.count() == 0
    assert selectors.search(user=people["dispatcher"], text="回滚").total == 0


def test_a_changed_text_is_found_by_its_new_words(register, people):
    p = register(summary="拖欠工资", content="拖欠工资")
    p.content = "开发商延期交房"
    p.save()
    assert numbers(selectors.search(user=people["dispatcher"], text="交房")) == [p.number]


def test_the_rebuild_command_indexes_everything_again(register, people):
    p = register(summary="拖欠工资", content="拖欠工资")
    SearchEntry.objects.all().delete()
    assert selectors.search(user=people["dispatcher"], text="工资").total == 0
    call_command("search_rebuild", verbosity=0)
    assert numbers(selectors.search(user=people["dispatcher"], text="工资")) == [p.number]


def test_a_query_word_is_widened_by_its_parts_and_synonyms(db):
    expr = query.parse("拖欠工资")
    assert '("拖欠工资" OR ("拖欠" AND "工资"))' in query.fts5(expr)
    assert "'欠薪'" in query.tsquery(expr)
    assert not query.parse("   ")
