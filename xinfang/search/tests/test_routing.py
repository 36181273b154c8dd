"""Routing suggestions: learned from the office's concluded matters, top 3 with a
confidence, not shown with too little history, never from an accusation."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from xinfang.orgs.models import Unit
from xinfang.petitions.models import Category, Petition
from xinfang.search import routing
from xinfang.search.models import RoutingModel

WAGES = [
    ("拖欠工资", "建筑公司拖欠农民工工资三个月，讨要未果。"),
    ("工资被拖欠", "老板拖欠我们工资半年，工地停工。"),
    ("讨薪", "在工地干活，工资一直拖欠不发。"),
]
NOISE = [
    ("工厂噪声", "机械厂夜间噪声很大，影响休息。"),
    ("噪声扰民", "附近工厂晚上噪声扰民，无法入睡。"),
    ("夜间施工噪声", "工地夜间施工噪声太大。"),
]


def concluded(register, texts, category_code, unit_name, **over):
    unit = Unit.objects.get(name=unit_name)
    category = Category.objects.get(code=category_code)
    made = []
    for summary, content in texts:
        p = register(summary=summary, content=content, category=category, **over)
        Petition.objects.filter(pk=p.pk).update(state="concluded", responsible_unit=unit)
        made.append(p)
    return made


@pytest.fixture
def history(register):
    concluded(register, WAGES, "0401", "市人力资源和社会保障局")
    concluded(register, NOISE, "0503", "市生态环境局")
    office = Petition.objects.first().office
    return office


@override_settings(XINFANG_ROUTING_MIN_HISTORY=4)
def test_the_likely_category_and_unit_come_first_with_a_confidence(history):
    routing.train(history)
    found = routing.suggest(office=history, text="公司拖欠工资两个月了")
    assert found["category"][0]["name"] == "劳资纠纷/欠薪"
    assert found["unit"][0]["name"] == "市人力资源和社会保障局"
    assert found["category"][0]["confidence"] > 0.5 and len(found["category"]) <= 3
    assert "拖欠工资" in found["category"][0]["why"]  # 工资被拖欠, 讨薪: one word (synonyms)
    noise = routing.suggest(office=history, text="工厂噪声太大")
    assert noise["unit"][0]["name"] == "市生态环境局"


def test_with_too_little_history_nothing_is_suggested(history, people, api_for):
    routing.train(history)  # 6 matters, the default minimum is 200
    assert routing.suggest(office=history, text="公司拖欠工资") is None
    r = api_for(people["clerk"]).post("/api/v1/search/suggest", {"text": "拖欠工资"}, format="json")
    assert r.status_code == 200 and r.json() == {"shown": False}


@override_settings(XINFANG_ROUTING_MIN_HISTORY=4)
def test_an_accusation_is_never_learned(history, register, people, demo_tree):
    concluded(
        register,
        [("检举", "检举干部克扣补助款。")] * 3,
        "1201",
        "市审计局",
        purpose="accusation",
        accused_unit=demo_tree["410481102"],
    )
    row = routing.train(history)
    assert row.matters == 6
    words = {w for m in row.model.values() for c in m["classes"].values() for w in c["counts"]}
    assert "克扣" not in words
    assert str(Unit.objects.get(name="市审计局").pk) not in row.model["unit"]["classes"]


@override_settings(XINFANG_ROUTING_MIN_HISTORY=4)
def test_the_api_and_the_registration_check_suggest(history, people, api_for, client):
    routing.train(history)
    r = api_for(people["clerk"]).post(
        "/api/v1/search/suggest", {"text": "老板拖欠工资"}, format="json"
    )
    assert r.json()["shown"] is True and r.json()["category"][0]["name"] == "劳资纠纷/欠薪"
    client.force_login(people["clerk"])
    data = client.post(reverse("search:related"), {"summary": "老板拖欠工资"}).json()
    assert data["suggestions"]["category"][0]["name"] == "劳资纠纷/欠薪"


@override_settings(XINFANG_ROUTING_MIN_HISTORY=4)
def test_the_dispatcher_sees_the_suggestion_on_a_new_matter(history, register, people, client):
    routing.train(history)
    new = register(summary="欠薪", content="工地老板拖欠工资。")
    client.force_login(people["dispatcher"])
    html = client.get(reverse("petitions:detail", args=[new.pk])).content.decode()
    assert 'class="panel routing-panel"' in html and "市人力资源和社会保障局" in html
    client.force_login(people["handler_b"])
    assert client.get(reverse("petitions:detail", args=[new.pk])).status_code == 404


def test_the_periodic_command_trains_and_then_waits(history, capsys):
    call_command("search_train_routing")
    assert RoutingModel.objects.get(office=history).matters == 6
    call_command("search_train_routing")
    assert "nothing to do" in capsys.readouterr().out
    call_command("search_train_routing", "--force")
