"""Search shows exactly what the lists show: not another township's matters, not
an accusation to the unit it accuses, not even as a count."""

from xinfang.petitions import selectors as petition_selectors
from xinfang.search import selectors


def test_another_townships_handler_finds_nothing_of_ours(wages, people):
    assert selectors.search(user=people["handler"], text="拖欠工资").total == 1
    r = selectors.search(user=people["handler_b"], text="拖欠工资")
    assert (r.total, r.hits) == (0, [])


def test_the_accused_units_user_finds_nothing_of_the_accusation_not_even_its_count(
    accusation, wages, people
):
    handler = people["handler"]
    assert not petition_selectors.petition_list(user=handler).filter(pk=accusation.pk).exists()
    r = selectors.search(user=handler, text="克扣")
    assert (r.total, r.hits) == (0, [])
    both = selectors.search(user=handler, text="拖欠工资")
    assert [h.number for h in both.hits] == [wages.number] and both.total == 1
    # The receiving office sees it.
    office = selectors.search(user=people["dispatcher"], text="克扣")
    assert [h.number for h in office.hits] == [accusation.number]


def test_the_api_answers_with_the_same_visibility(wages, accusation, people, api_for):
    mine = api_for(people["handler"]).get("/api/v1/search", {"q": "拖欠工资"})
    assert mine.status_code == 200
    assert [x["number"] for x in mine.json()["results"]] == [wages.number]
    assert mine.json()["count"] == 1
    assert "<mark>" in mine.json()["results"][0]["snippet"]
    other = api_for(people["handler_b"]).get("/api/v1/search", {"q": "拖欠工资"})
    assert other.json()["count"] == 0 and other.json()["results"] == []
    assert api_for(None).get("/api/v1/search", {"q": "工资"}).status_code in (401, 403)


def test_the_search_is_in_the_openapi_schema(people, api_for):
    schema = api_for(people["dispatcher"]).get("/api/v1/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/search" in paths and "/api/v1/search/related" in paths
