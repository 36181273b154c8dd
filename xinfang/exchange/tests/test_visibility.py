"""Outsiders get 404 on every read path; accusations never reach the accused."""

import pytest

from xinfang.petitions import selectors, services
from xinfang.petitions.models import Category


def read_paths(api, p):
    """(path, what the user would learn) for every way the API reads matters."""
    return {
        "worklist": p.number in str(api.get("/api/v1/petitions").json()),
        "list": p.number in str(api.get("/api/v1/petitions?scope=all").json()),
        "search": p.number in str(api.get(f"/api/v1/petitions?scope=all&q={p.number}").json()),
        "search_summary": p.number
        in str(api.get(f"/api/v1/petitions?scope=all&q={p.summary[:4]}").json()),
        "export": p.number in api.get("/api/v1/petitions/export").content.decode("utf-8-sig"),
        "detail": api.get(f"/api/v1/petitions/{p.pk}").status_code != 404,
        "action": api.post(
            f"/api/v1/petitions/{p.pk}/actions/chase",
            {"note": "x", "version": p.version},
            format="json",
        ).status_code
        != 404,
        "reveal": api.post(
            f"/api/v1/petitions/{p.pk}/reveal", {"petitioner": 1, "field": "phone"}, format="json"
        ).status_code
        != 404,
    }


@pytest.mark.parametrize(
    "role",
    [
        "clerk",
        "dispatcher",
        "handler",
        "unit_head",
        "supervisor",
        "leader",
        "liaison",
        "mediator",
        "analyst",
    ],
)
def test_a_user_of_another_township_sees_the_matter_nowhere(
    role, people, register, travel, api_for, make_person, township_b
):
    travel("2026-11-02")
    p = register()
    services.petition_act(
        actor=people["dispatcher"],
        petition_id=p.pk,
        action="forward",
        responsible_unit=p.place.parent,
    )
    outsider = make_person(role, township_b)
    seen = read_paths(api_for(outsider), p)
    assert not any(seen.values()), seen


def test_the_responsible_township_and_the_office_see_it(people, register, travel, api_for):
    travel("2026-11-02")
    p = register()
    services.petition_act(
        actor=people["dispatcher"],
        petition_id=p.pk,
        action="forward",
        responsible_unit=p.place.parent,
    )
    for who in ("handler", "dispatcher", "supervisor", "leader"):
        api = api_for(people[who])
        assert api.get(f"/api/v1/petitions/{p.pk}").status_code == 200, who
        assert p.number in api.get("/api/v1/petitions/export").content.decode("utf-8-sig"), who


@pytest.fixture
def accusation(register, travel, demo_tree):
    """An accusation against 八台镇 (township A), about a village of it."""
    travel("2026-11-02")
    return register(
        purpose="accusation",
        category=Category.objects.get(code="1201"),
        accused_unit=demo_tree["410481102"],
        accused_name="某镇干部",
        summary="举报镇干部违规发放补贴",
    )


def test_an_accusation_is_never_shown_to_the_accused_unit(
    accusation, people, api_for, make_person, demo_tree
):
    p = accusation
    inside = [
        people["handler"],  # a handler of the accused township
        people["unit_head"],
        make_person("liaison", demo_tree["410481102001"]),  # a village below it
        make_person("handler", demo_tree["410481102-TJ"]),  # its mediation centre
    ]
    for user in inside:
        seen = read_paths(api_for(user), p)
        assert not any(seen.values()), (user.username, seen)
        assert not selectors.visible_petitions(user).filter(pk=p.pk).exists()
        assert not selectors.may_see(user, p)
    # The petition office sees it; until the office sends it somewhere, nobody else
    # does, not even the city's leadership above the office (issue 9, Art. 30).
    assert api_for(people["dispatcher"]).get(f"/api/v1/petitions/{p.pk}").status_code == 200
    assert api_for(people["leader"]).get(f"/api/v1/petitions/{p.pk}").status_code == 404


def test_an_accusation_is_never_shown_to_the_accused_person(
    register, travel, people, api_for, demo_tree, make_person
):
    travel("2026-11-02")
    accused = make_person("handler", demo_tree["410481"], username="accused-official")
    p = register(
        purpose="accusation", category=Category.objects.get(code="1201"), summary="举报某干部"
    )
    p.accused_user = accused  # the office records the accused person
    p.save(update_fields=["accused_user"])
    assert not any(read_paths(api_for(accused), p).values())
    assert api_for(people["dispatcher"]).get(f"/api/v1/petitions/{p.pk}").status_code == 200


def test_an_accusation_cannot_be_forwarded_to_the_accused(accusation, people, api_for, demo_tree):
    api = api_for(people["dispatcher"])
    r = api.post(
        f"/api/v1/petitions/{accusation.pk}/actions/forward",
        {"responsible_unit": demo_tree["410481102"].pk, "version": accusation.version},
        format="json",
    )
    assert r.status_code == 400 and "responsible_unit" in r.json()["errors"]
    r = api.post(
        f"/api/v1/petitions/{accusation.pk}/actions/forward",
        {"responsible_unit": demo_tree["410481-B03"].pk, "version": accusation.version},
        format="json",
    )  # 市纪委监委
    assert r.status_code == 200


def test_the_public_view_shows_nothing_internal(people, register, travel, api_for):
    api = api_for()
    travel("2026-11-02")
    p = register()
    services.petition_act(
        actor=people["dispatcher"],
        petition_id=p.pk,
        action="forward",
        responsible_unit=p.place.parent,
        note="内部：此人多次上访",
    )
    services.petition_act(
        actor=people["supervisor"], petition_id=p.pk, action="list", colour="red", note="督办"
    )
    body = api.get("/api/v1/public/matter", HTTP_X_QUERY_CODE=p.query_code).json()
    text = str(body)
    for secret in (
        "内部",
        "多次上访",
        "督办",
        "t-dispatcher",
        "t-supervisor",
        "13812345678",
        "11010519491231002X",
        "'colour'",
        "listing",
    ):
        assert secret not in text, secret
