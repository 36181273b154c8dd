"""Group signals (集体访 early warning): several matters about one employer in a
short time are one cluster, with the same visibility as the lists."""

import datetime as dt

from django.test import override_settings
from django.urls import reverse

from xinfang.orgs.demo import CITY_RECEPTION
from xinfang.petitions import services
from xinfang.search import clusters

TEXTS = [
    ("宏达建筑公司欠薪", "宏达建筑公司拖欠我们工资三个月。"),
    ("讨要工钱", "在宏达建筑公司工地干活，老板欠薪不给。"),
    ("农民工工资", "宏达建筑公司老板跑了，几十个工人的工资没着落。"),
]


def make_three(register):
    return [register(summary=s, content=c) for s, c in TEXTS]


def test_three_matters_about_one_employer_are_one_cluster(register, people):
    made = make_three(register)
    register(summary="小区停车难", content="永丰小区停车位不足。")
    found = {c.label: c for c in clusters.clusters(people["dispatcher"])}
    assert {p.pk for p in found["宏达建筑公司"].members} == {p.pk for p in made}
    assert "永丰小区" not in found  # one matter is no signal


def test_a_matter_outside_the_window_is_not_counted(register, people):
    make_three(register)
    later = clusters.calendar.today() + dt.timedelta(days=40)
    assert clusters.clusters(people["dispatcher"], today=later) == []


@override_settings(XINFANG_CLUSTER_MIN_MATTERS=4)
def test_the_minimum_is_a_setting(register, people):
    make_three(register)
    assert all(c.label != "宏达建筑公司" for c in clusters.clusters(people["dispatcher"]))


def test_another_township_sees_no_cluster_of_ours(client, register, people):
    make_three(register)
    assert clusters.clusters(people["handler_b"]) == []
    client.force_login(people["handler_b"])
    html = client.get(reverse("search:clusters")).content.decode()
    assert "宏达建筑公司" not in html


def test_an_accusation_is_neither_shown_nor_counted_to_the_accused(
    register, people, demo_tree, category, village_a
):
    register(summary=TEXTS[0][0], content=TEXTS[0][1])
    register(summary=TEXTS[1][0], content=TEXTS[1][1])
    accusation = services.petition_register(
        actor=people["clerk"],
        registering_unit=demo_tree[CITY_RECEPTION[0]],
        channel="visit",
        purpose="accusation",
        category=category,
        place=village_a,
        summary="检举宏达建筑公司",
        content="八台镇干部包庇宏达建筑公司拖欠工资，请求查处。",
        petitioners=[{"name": "李四", "phone": "13900001111"}],
        accused_unit=demo_tree["410481102"],
    )
    office = {c.label: c for c in clusters.clusters(people["dispatcher"])}
    assert accusation in office["宏达建筑公司"].members
    accused = {c.label: c for c in clusters.clusters(people["handler"])}
    assert "宏达建筑公司" not in accused  # two matters it may see: no cluster, no count


def test_the_page_and_the_api_list_the_members(client, register, people, api_for):
    made = make_three(register)
    client.force_login(people["dispatcher"])
    html = client.get(reverse("search:clusters")).content.decode()
    assert "宏达建筑公司" in html and all(p.number in html for p in made)
    data = api_for(people["dispatcher"]).get("/api/v1/search/clusters").json()
    cluster = next(c for c in data["clusters"] if c["label"] == "宏达建筑公司")
    assert cluster["size"] == 3 and data["days"] == 30 and data["min_matters"] == 3
