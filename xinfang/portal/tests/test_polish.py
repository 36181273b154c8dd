"""Polish seen in use (issue 11): the public summary after a review, one message for
a wrong code, villages named with their township, the evaluation naming the unit as
the timeline does, the repeat badge linking to the earlier matter, the menu."""

import datetime as dt

from django.urls import reverse

from xinfang.petitions import services
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.fixtures import answer, unit
from xinfang.portal.views import NOT_FOUND_MESSAGE

D = dt.date


def act(actor, p, action, **fields):
    return services.petition_act(actor=actor, petition_id=p.pk, action=action, **fields)


OPINION = {
    "text": "已答复。",
    "facts": "经调查核实，情况属实。",
    "legal_basis": "《劳动法》第五十条",
}


def _reviewed(people, register, travel):
    travel("2026-09-16")
    p = register()
    act(people["dispatcher"], p, "forward", responsible_unit=unit("410481102"))
    act(people["handler"], p, "sign")
    act(people["handler"], p, "accept")
    travel("2026-10-20")
    answer(people["handler"], p, "reply", outcome="reject", **OPINION)
    act(people["handler"], p, "record_service", method="direct", served_on=D(2026, 10, 20))
    services.petition_request_review(query_code=p.query_code, reasons="不服")
    travel("2026-11-02")
    p = answer(
        people["reviewer"],
        Petition.objects.get(pk=p.pk),
        "review_reply",
        outcome="change",
        **OPINION,
    )
    return act(people["reviewer"], p, "record_service", method="direct", served_on=D(2026, 11, 2))


def test_after_the_review_the_summary_names_the_reviewer_and_re_review(
    client, people, register, travel
):
    p = _reviewed(people, register, travel)
    looked_up = client.post(reverse("portal:track"), {"code": p.query_code})
    assert looked_up.status_code == 200 and p.number in looked_up.content.decode()
    page = client.get(reverse("portal:matter")).content.decode()
    summary = page[page.index("public-facts") : page.index("</dl>")]
    assert "复查机关" in summary and p.review_unit.name in summary
    assert "八台镇" not in summary.split("复查机关")[1].split("</dd>")[0].replace(
        p.review_unit.name, ""
    )
    assert "可申请复核截止" in summary and "可申请复查" not in summary
    assert "变更" in summary  # the review outcome (维持/撤销/变更)


def test_a_wrong_query_code_is_said_once(client, demo_tree):
    page = client.post(reverse("portal:track"), {"code": "ABCD-EFGH-JKLM"}).content.decode()
    assert page.count(str(NOT_FOUND_MESSAGE)) == 1


def test_villages_are_named_with_their_township(client, people, register, travel):
    page = client.get(reverse("portal:submit")).content.decode()
    village = unit("410481102001")
    assert f"{village.name}（{village.parent.name}）" in page
    travel("2026-11-02")
    register()
    client.force_login(people["dispatcher"])
    listing = client.get(reverse("petitions:worklist")).content.decode()
    assert f"{village.name}（{village.parent.name}）" in listing


def test_the_evaluation_names_the_unit_as_the_timeline_does(client, people, register, travel):
    travel("2026-09-16")
    p = register()
    act(people["dispatcher"], p, "forward", responsible_unit=unit("410481102"))
    act(people["handler"], p, "sign")
    act(people["handler"], p, "accept")
    answer(people["handler"], p, "reply", outcome="support", **OPINION)
    looked_up = client.post(reverse("portal:track"), {"code": p.query_code})
    assert looked_up.status_code == 200 and p.number in looked_up.content.decode()
    page = client.get(reverse("portal:matter")).content.decode()
    label = "承办单位（八台镇）"
    assert label in page
    client.post(
        reverse("portal:evaluate"), {"unit_rating": "satisfied", "office_rating": "satisfied"}
    )
    page = client.get(reverse("portal:matter")).content.decode()
    assert page.count(label) >= 1 and "责任单位满意" not in page
    client.force_login(people["dispatcher"])
    staff = client.get(reverse("petitions:detail", args=[p.pk])).content.decode()
    assert label in staff


def test_the_repeat_badge_links_to_the_earlier_matter(client, people, register, travel):
    travel("2026-11-02")
    first = register()
    second = register()  # the same person (by ID number) and category: a repeat
    assert second.repeat
    client.force_login(people["dispatcher"])
    page = client.get(reverse("petitions:detail", args=[second.pk])).content.decode()
    assert f'data-repeat-of="{first.number}"' in page
    assert reverse("petitions:detail", args=[first.pk]) in page


def test_the_first_menu_item_is_the_desk_not_the_role(client, people):
    client.force_login(people["dispatcher"])
    page = client.get(reverse("petitions:worklist")).content.decode()
    nav = page[page.index('id="site-nav"') :]
    first = nav[nav.index("<li>") : nav.index("</li>")]
    assert "工作台" in first and "调度" not in first
