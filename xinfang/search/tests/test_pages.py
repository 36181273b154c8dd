"""The staff search page and the registration page's check for earlier and
similar matters (before the form is saved), and the matter page's panel."""

from django.urls import reverse

from xinfang.petitions.tests.fixtures import VALID_ID


def login(client, user):
    client.force_login(user)
    return client


def test_the_search_page_shows_marked_cards(client, wages, people):
    page = login(client, people["handler"]).get(reverse("search:search"), {"q": "拖欠工资"})
    html = page.content.decode()
    assert page.status_code == 200
    assert wages.number in html and "<mark>" in html and 'class="card search-hit"' in html


def test_the_search_page_is_in_the_staff_menu(client, people):
    page = login(client, people["handler"]).get(reverse("petitions:worklist"))
    assert reverse("search:search") in page.content.decode()


def test_another_township_sees_no_hit_on_the_page(client, wages, people):
    html = login(client, people["handler_b"]).get("/search/", {"q": "拖欠工资"}).content.decode()
    assert wages.number not in html


def test_the_registration_page_offers_the_check(client, people):
    html = login(client, people["clerk"]).get(reverse("petitions:register")).content.decode()
    assert 'id="related-check"' in html and "search/related.js" in html


def test_the_check_finds_the_same_person_and_a_paraphrase_before_saving(
    client, wages, people, register
):
    other = register(
        summary="小区停车难",
        content="小区停车位不足。",
        petitioners=[{"name": "王五", "phone": "13700000000"}],
    )
    login(client, people["clerk"])
    answer = client.post(
        reverse("search:related"),
        {
            "summary": "讨要工钱",
            "content": "我在宏达建筑公司干活，老板欠薪半年不给，要求发放。",
            "petitioners-0-name": "赵六",
            "petitioners-0-id_number": "",
            "petitioners-0-phone": "13700000000",
        },
    )
    assert answer.status_code == 200
    data = answer.json()
    assert [x["number"] for x in data["content"]["open"]] == [wages.number]
    assert data["person"]["open"] == []  # a phone without the same name finds no one
    found = client.post(reverse("search:related"), {"petitioners-0-id_number": VALID_ID}).json()
    assert {x["number"] for x in found["person"]["open"]} == {wages.number}
    by_phone = client.post(
        reverse("search:related"),
        {"petitioners-0-name": "王五", "petitioners-0-phone": "13700000000"},
    ).json()
    assert [x["number"] for x in by_phone["person"]["open"]] == [other.number]


def test_the_check_does_not_find_an_unrelated_matter(client, wages, people):
    login(client, people["clerk"])
    data = client.post(
        reverse("search:related"), {"summary": "噪声扰民", "content": "隔壁工厂夜间噪声扰民。"}
    ).json()
    assert all(not items for items in data["content"].values())


def test_the_matter_page_shows_similar_matters(client, wages, people, register):
    again = register(summary="宏达公司欠薪", content="宏达建筑公司欠薪三个月未付，请求支付。")
    html = login(client, people["dispatcher"]).get(reverse("petitions:detail", args=[again.pk]))
    assert wages.number in html.content.decode()


def test_the_api_check_answers_grouped(wages, people, api_for):
    r = api_for(people["clerk"]).post(
        "/api/v1/search/related",
        {"text": "宏达建筑公司老板欠薪半年", "id_number": VALID_ID},
        format="json",
    )
    assert r.status_code == 200
    assert [x["number"] for x in r.json()["person"]["open"]] == [wages.number]
