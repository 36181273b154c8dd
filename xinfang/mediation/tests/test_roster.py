"""The roster of a mediation body: add, correct, deactivate (never delete) a mediator,
on the page and through the API; who may; phones validated and masked."""

import pytest

from xinfang.core.exceptions import InvalidInput, NotFound, PermissionDenied
from xinfang.mediation import services
from xinfang.mediation.models import Mediator

from .case_fixtures import CENTRE_A, ROOM_A


@pytest.fixture
def centre_a(med):
    return med["units"][CENTRE_A]


def test_a_centres_mediator_adds_a_mediator_with_a_checked_phone(med, centre_a):
    m = services.mediator_add(
        actor=med["centre_a"],
        body=centre_a,
        name=" 冯调解 ",
        full_time=True,
        phone="138 0013 8000",
        speciality="婚姻家庭",
    )
    assert (m.name, m.full_time, m.phone, m.body) == ("冯调解", True, "13800138000", centre_a)
    with pytest.raises(InvalidInput) as exc:
        services.mediator_add(actor=med["centre_a"], body=centre_a, name="", phone="12345")
    assert set(exc.value.field_errors) == {"name", "phone"}


def test_the_township_staff_may_keep_the_roster_but_not_the_liaison_or_an_outsider(med, centre_a):
    # The township's handler routes disputes above its centre.
    services.mediator_add(actor=med["handler_a"], body=centre_a, name="陈调解")
    # The village liaison sees the village's room but does not keep its roster.
    with pytest.raises(PermissionDenied):
        services.mediator_add(actor=med["liaison_a"], body=med["units"][ROOM_A], name="x")
    # Township B does not see township A's centre at all.
    with pytest.raises(NotFound):
        services.mediator_add(actor=med["handler_b"], body=centre_a, name="x")
    with pytest.raises(NotFound):
        services.mediator_set_active(
            actor=med["handler_b"], mediator_id=med["roster"]["centre_a"].pk, active=False
        )
    assert not Mediator.objects.filter(name="x").exists()


def test_only_a_member_of_the_body_is_linked_and_only_once(med, centre_a):
    with pytest.raises(InvalidInput) as exc:
        services.mediator_add(actor=med["centre_a"], body=centre_a, name="x", user=med["centre_b"])
    assert "user" in exc.value.field_errors
    with pytest.raises(InvalidInput) as exc:  # already on the roster as 李调解
        services.mediator_add(actor=med["centre_a"], body=centre_a, name="y", user=med["centre_a"])
    assert "user" in exc.value.field_errors


def test_an_update_changes_only_what_is_given(med):
    m = med["roster"]["centre_a"]
    services.mediator_update(actor=med["centre_a"], mediator_id=m.pk, phone="0375-8123456")
    m.refresh_from_db()
    assert (m.name, m.phone, m.user, m.full_time) == (
        "李调解",
        "0375-8123456",
        med["centre_a"],
        True,
    )
    services.mediator_update(actor=med["centre_a"], mediator_id=m.pk, full_time=False, user=None)
    m.refresh_from_db()
    assert (m.phone, m.user, m.full_time) == ("0375-8123456", None, False)
    with pytest.raises(InvalidInput):
        services.mediator_update(actor=med["centre_a"], mediator_id=m.pk, name=" ")


def test_a_deactivated_mediator_keeps_old_cases_but_gets_no_new_one(med, new_dispute):
    land, land2 = med["roster"]["land"], med["roster"]["land2"]
    first = new_dispute(type="land")
    services.dispute_route(actor=med["handler_a"], dispute_id=first.pk, to="committee")
    case = services.case_open(actor=med["land"], dispute_id=first.pk, mediators=[land.pk])

    services.mediator_set_active(actor=med["land"], mediator_id=land.pk, active=False)

    # The old case keeps them, also when its mediators are reassigned.
    services.case_assign_mediators(
        actor=med["land"], case_id=case.pk, mediators=[land.pk, land2.pk]
    )
    assert set(case.mediators.all()) == {land, land2}
    second = new_dispute(type="land")
    services.dispute_route(actor=med["handler_a"], dispute_id=second.pk, to="committee")
    with pytest.raises(InvalidInput):
        services.case_open(actor=med["land"], dispute_id=second.pk, mediators=[land.pk])
    services.mediator_set_active(actor=med["land"], mediator_id=land.pk, active=True)
    services.case_open(actor=med["land"], dispute_id=second.pk, mediators=[land.pk])


def test_the_roster_page_masks_phones_and_adds_edits_and_deactivates(
    med, centre_a, new_dispute, client
):
    m = med["roster"]["centre_a"]
    services.mediator_update(actor=med["centre_a"], mediator_id=m.pk, phone="13912345678")
    client.force_login(med["centre_a"])
    url = f"/mediation/mediators/{centre_a.pk}/"
    html = client.get(url).content.decode()
    assert "139****5678" in html and "13912345678" not in html
    assert f"{url}add/" in html

    r = client.post(f"{url}add/", {"add-name": "冯调解", "add-full_time": "0", "add-phone": "1"})
    assert r.status_code == 400 and "冯调解" in r.content.decode()
    r = client.post(
        f"{url}add/",
        {"add-name": "冯调解", "add-full_time": "1", "add-phone": "13700001111"},
    )
    assert r.status_code == 302
    added = Mediator.objects.get(name="冯调解")
    assert added.full_time and added.phone == "13700001111"

    # Edit: a blank phone keeps the number on file.
    prefix = f"m{added.pk}"
    r = client.post(
        f"{url}{added.pk}/",
        {f"{prefix}-name": "冯秀兰", f"{prefix}-full_time": "0", f"{prefix}-phone": ""},
    )
    assert r.status_code == 302
    added.refresh_from_db()
    assert (added.name, added.full_time, added.phone) == ("冯秀兰", False, "13700001111")

    r = client.post(f"{url}{added.pk}/active/", {"active": "0"})
    assert r.status_code == 302
    added.refresh_from_db()
    assert not added.is_active
    html = client.get(url).content.decode()
    assert "冯秀兰" in html  # still listed, marked deactivated

    # Someone who does not see the centre: 404 on the page and on every write.
    client.force_login(med["handler_b"])
    assert client.get(url).status_code == 404
    assert client.post(f"{url}add/", {"add-name": "x", "add-full_time": "0"}).status_code == 404
    assert client.post(f"{url}{added.pk}/active/", {"active": "1"}).status_code == 404
    # The liaison sees the room's roster but has no forms, and is refused.
    room = med["units"][ROOM_A]
    client.force_login(med["liaison_a"])
    html = client.get(f"/mediation/mediators/{room.pk}/").content.decode()
    assert "add/" not in html
    r = client.post(f"/mediation/mediators/{room.pk}/add/", {"add-name": "x", "add-full_time": "0"})
    assert r.status_code == 403


def test_the_api_adds_and_patches_a_mediator(api_for, med, centre_a):
    api = api_for(med["centre_a"])
    url = f"/api/v1/mediation/bodies/{centre_a.pk}/mediators"
    r = api.post(url, {"name": "冯调解", "phone": "abc"}, format="json")
    assert r.status_code == 400 and "phone" in r.json()["errors"]
    r = api.post(url, {"name": "冯调解", "full_time": True, "phone": "13700001111"}, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["phone"] == "137****1111" and body["active"] and body["open_cases"] == 0

    mediator = f"/api/v1/mediation/mediators/{body['id']}"
    change = {"speciality": "邻里纠纷", "active": False}
    r = api.patch(mediator, change, format="json")
    assert r.status_code == 428  # without the version seen, nothing changes
    r = api.patch(mediator, {**change, "version": body["version"] + 1}, format="json")
    assert r.status_code == 409
    listed = api.get(url).json()["mediators"]
    assert [m["speciality"] for m in listed if m["id"] == body["id"]] == [""]
    r = api.patch(mediator, {**change, "version": body["version"]}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["speciality"] == "邻里纠纷" and r.json()["active"] is False
    assert r.json()["version"] == body["version"] + 2  # two changes: the field, the state
    assert api.patch(mediator, {"version": r.json()["version"]}, format="json").status_code == 400
    listed = api.get(url).json()["mediators"]
    assert [m["active"] for m in listed if m["id"] == body["id"]] == [False]

    outsider = api_for(med["handler_b"])
    assert outsider.post(url, {"name": "x"}, format="json").status_code == 404
    assert outsider.patch(mediator, {"name": "x", "version": 3}, format="json").status_code == 404
    liaison = api_for(med["liaison_a"])
    room_url = f"/api/v1/mediation/bodies/{med['units'][ROOM_A].pk}/mediators"
    assert liaison.post(room_url, {"name": "x"}, format="json").status_code == 403
