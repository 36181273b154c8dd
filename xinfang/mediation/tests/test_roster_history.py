"""The roster's trail: every addition, correction, deactivation and reactivation of a
mediator is one MediatorEvent (phones masked), shown on the roster page and in the
API to those who see the roster, in a fixed number of queries."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from xinfang.core.exceptions import InvalidInput, NotFound
from xinfang.mediation import services
from xinfang.mediation.models import Mediator, MediatorEvent

from .case_fixtures import CENTRE_A, TOWNSHIP_A


@pytest.fixture
def centre_a(med):
    return med["units"][CENTRE_A]


def _events(m) -> list[MediatorEvent]:
    return list(MediatorEvent.objects.filter(mediator=m).order_by("id"))


def test_adding_a_mediator_writes_one_added_event_with_the_phone_masked(med, centre_a):
    m = services.mediator_add(
        actor=med["centre_a"],
        body=centre_a,
        name="冯调解",
        full_time=True,
        phone="13700001111",
        user=None,
    )
    [ev] = _events(m)
    assert (ev.action, ev.actor, ev.actor_unit) == ("added", med["centre_a"], centre_a)
    assert ev.data == {
        "name": [None, "冯调解"],
        "full_time": [None, True],
        "phone": [None, "137****1111"],
        "speciality": [None, ""],
        "user": [None, None],
    }
    assert "13700001111" not in json.dumps(ev.data)


def test_a_correction_records_only_the_fields_that_changed(med):
    m = med["roster"]["centre_a"]
    services.mediator_update(
        actor=med["handler_a"],
        mediator_id=m.pk,
        name="李调解",  # unchanged
        phone="13912345678",
        full_time=False,
        user=None,
    )
    [ev] = _events(m)
    assert ev.action == "updated" and ev.actor == med["handler_a"]
    assert ev.actor_unit == med["units"][TOWNSHIP_A]  # the township routes above its centre
    assert ev.data == {
        "phone": ["", "139****5678"],
        "full_time": [True, False],
        "user": ["m-centre-a", None],
    }
    services.mediator_update(actor=med["handler_a"], mediator_id=m.pk, phone="13912340000")
    assert _events(m)[-1].data == {"phone": ["139****5678", "139****0000"]}
    assert "13912345678" not in json.dumps([e.data for e in _events(m)])


def test_a_correction_that_changes_nothing_writes_no_event(med):
    m = med["roster"]["centre_a"]
    services.mediator_update(
        actor=med["centre_a"],
        mediator_id=m.pk,
        name=" 李调解 ",
        full_time=True,
        speciality="",
        user=med["centre_a"],
    )
    services.mediator_update(actor=med["centre_a"], mediator_id=m.pk)
    assert _events(m) == []


def test_deactivating_and_reactivating_write_one_event_each_and_a_repeat_none(med):
    m = med["roster"]["land2"]
    services.mediator_set_active(actor=med["land"], mediator_id=m.pk, active=False)
    services.mediator_set_active(actor=med["land"], mediator_id=m.pk, active=False)
    services.mediator_set_active(actor=med["land"], mediator_id=m.pk, active=True)
    services.mediator_set_active(actor=med["land"], mediator_id=m.pk, active=True)
    assert [(e.action, e.data) for e in _events(m)] == [
        ("deactivated", {"is_active": [True, False]}),
        ("reactivated", {"is_active": [False, True]}),
    ]


def test_a_refused_change_leaves_no_event(med, centre_a):
    m = med["roster"]["centre_a"]
    with pytest.raises(InvalidInput):
        services.mediator_update(actor=med["centre_a"], mediator_id=m.pk, name=" ", phone="1")
    with pytest.raises(NotFound):
        services.mediator_set_active(actor=med["handler_b"], mediator_id=m.pk, active=False)
    assert not MediatorEvent.objects.exists()


def test_the_roster_page_shows_the_history_in_chinese_with_the_phone_masked(med, centre_a):
    m = med["roster"]["centre_a"]
    services.mediator_update(actor=med["centre_a"], mediator_id=m.pk, phone="13912345678")
    services.mediator_set_active(actor=med["handler_a"], mediator_id=m.pk, active=False)
    c = Client()
    c.force_login(med["centre_a"])
    html = c.get(f"/mediation/mediators/{centre_a.pk}/").content.decode()
    assert "历史记录" in html
    assert 'data-action="updated"' in html and 'data-action="deactivated"' in html
    assert "更正" in html and "停用" in html
    assert "电话：— → 139****5678" in html
    assert "13912345678" not in html
    who = html[html.index("历史记录") :]
    assert med["handler_a"].get_full_name() in who and med["units"][CENTRE_A].name in who

    c.force_login(med["handler_b"])  # does not see the centre
    assert c.get(f"/mediation/mediators/{centre_a.pk}/").status_code == 404


def test_the_roster_api_lists_each_mediators_recent_changes(api_for, med, centre_a):
    api = api_for(med["centre_a"])
    url = f"/api/v1/mediation/bodies/{centre_a.pk}/mediators"
    r = api.post(url, {"name": "冯调解", "phone": "13700001111"}, format="json")
    assert r.status_code == 201
    [added] = r.json()["history"]
    assert added["action"] == "added" and added["by"] == "m-centre-a"
    assert added["changes"]["phone"] == [None, "137****1111"]

    r = api.patch(
        f"/api/v1/mediation/mediators/{r.json()['id']}",
        {"phone": "13700002222", "active": False, "version": r.json()["version"]},
        format="json",
    )
    history = r.json()["history"]
    assert [h["action"] for h in history] == ["deactivated", "updated", "added"]
    assert history[1]["changes"] == {"phone": ["137****1111", "137****2222"]}
    listed = api.get(url).json()["mediators"]
    mine = next(m for m in listed if m["name"] == "冯调解")
    assert mine["history"] == history
    assert "13700002222" not in json.dumps(listed)

    assert api_for(med["handler_b"]).get(url).status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200
    return len(ctx.captured_queries)


def test_the_roster_page_and_api_queries_do_not_grow_with_mediators_or_events(
    api_for, med, centre_a
):
    page = Client()
    page.force_login(med["centre_a"])
    api = api_for(med["centre_a"])
    page_url = f"/mediation/mediators/{centre_a.pk}/"
    api_url = f"/api/v1/mediation/bodies/{centre_a.pk}/mediators"
    m = med["roster"]["centre_a"]
    services.mediator_update(actor=med["centre_a"], mediator_id=m.pk, speciality="婚姻")
    _queries(page, page_url), _queries(api, api_url)  # warm the caches
    few = (_queries(page, page_url), _queries(api, api_url))

    for i in range(6):
        added = services.mediator_add(
            actor=med["handler_a"], body=centre_a, name=f"调解员{i}", phone="13700001111"
        )
        for n in range(3):
            services.mediator_update(
                actor=med["centre_a"], mediator_id=added.pk, speciality=f"专长{n}"
            )
        services.mediator_set_active(actor=med["centre_a"], mediator_id=added.pk, active=False)
    assert Mediator.objects.filter(body=centre_a).count() == 7
    assert MediatorEvent.objects.count() == 31
    many = (_queries(page, page_url), _queries(api, api_url))
    assert many == few
