"""The weekly meeting's decisions move a dispute only through routing, never under an
open case; the meeting's page and API cost the same queries for any agenda."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xinfang.core.exceptions import InvalidInput
from xinfang.mediation import meetings, services
from xinfang.mediation.models import DisputeState
from xinfang.orgs.demo import TOWNSHIP_A

from .case_fixtures import CENTRE_A, LAND_COMMITTEE

pytestmark = pytest.mark.django_db


def _meeting(med, travel, day="2026-03-10"):
    travel(day)
    return meetings.meeting_create(actor=med["handler_a"], township=med["units"][TOWNSHIP_A])


def _decide(med, meeting, dispute, body, **kw):
    fields = dict(
        actor=med["handler_a"],
        item=meeting.items.get(dispute=dispute),
        classified_type=dispute.type,
        body=body,
        responsible_leader=med["handler_a"],
        responsible_person="张三",
        deadline=dt.date(2026, 3, 20),
    )
    fields.update(kw)
    return meetings.meeting_decide_item(**fields)


def test_a_meeting_cannot_move_a_dispute_with_an_open_case(api_for, med, new_dispute, travel):
    travel("2026-03-03")
    d = new_dispute(type="neighbour")
    centre = med["units"][CENTRE_A]
    services.dispute_route(actor=med["handler_a"], dispute_id=d.pk, body=centre)
    case = services.case_open(actor=med["handler_a"], dispute_id=d.pk)
    m = _meeting(med, travel)
    for elsewhere in (meetings.KEEP_WITH_TOWNSHIP, str(med["units"][LAND_COMMITTEE].pk)):
        with pytest.raises(InvalidInput) as exc:
            _decide(med, m, d, elsewhere)
        assert "body" in exc.value.field_errors
    d.refresh_from_db()
    assert d.body == centre and d.responsible_person == ""

    # Leader, person, deadline and decision are recorded; the body stays the case's.
    item = _decide(med, m, d, "", decision="限期调结")
    d.refresh_from_db()
    case.refresh_from_db()
    assert d.body_id == case.body_id == centre.pk
    assert d.state == DisputeState.ROUTED
    assert (d.responsible_person, d.deadline) == ("张三", dt.date(2026, 3, 20))
    assert item.body == centre and item.decision == "限期调结"
    assert not d.events.filter(action="route").exclude(data__body=centre.pk).exists()

    # The page shows the case's body read-only; the API says it is fixed.
    c = api_for(med["handler_a"])
    seen = c.get(f"/api/v1/meetings/{m.pk}").json()
    row = next(i for i in seen["agenda"] if i["id"] == item.pk)
    assert row["body_fixed"] is True
    r = c.post(
        f"/api/v1/meetings/{m.pk}/items/{item.pk}/decision",
        {
            "classified_type": "neighbour",
            "body": meetings.KEEP_WITH_TOWNSHIP,
            "responsible_leader": med["handler_a"].pk,
            "responsible_person": "李四",
            "deadline": "2026-03-25",
            "version": seen["version"],
        },
        format="json",
    )
    assert r.status_code == 400 and "body" in r.json()["errors"]
    from django.test import Client

    page = Client()
    page.force_login(med["handler_a"])
    html = page.get(f"/mediation/meetings/{m.pk}/").content.decode()
    assert re.search(rf'<select name="item-{item.pk}-body"[^>]* disabled', html)
    r = page.post(
        f"/mediation/meetings/{m.pk}/items/{item.pk}/decide",
        {
            f"item-{item.pk}-classified_type": "neighbour",
            f"item-{item.pk}-body": meetings.KEEP_WITH_TOWNSHIP,  # ignored: the field is fixed
            f"item-{item.pk}-responsible_leader": med["handler_a"].pk,
            f"item-{item.pk}-responsible_person": "李四",
            f"item-{item.pk}-deadline": "2026-03-25",
        },
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.body == centre and d.responsible_person == "李四"


def test_a_meeting_routes_through_the_routing_rules(med, new_dispute, travel):
    travel("2026-03-03")
    d = new_dispute(type="land")
    land = med["units"][LAND_COMMITTEE]
    m = _meeting(med, travel)
    _decide(med, m, d, str(land.pk))
    d.refresh_from_db()
    assert (d.state, d.body, d.current_level) == (DisputeState.ROUTED, land, land.level)
    route = d.events.get(action="route")
    assert route.data["body"] == land.pk and route.to_state == DisputeState.ROUTED
    decision = d.events.get(action="meeting_decision")
    assert decision.from_state == DisputeState.REPORTED and decision.to_state == DisputeState.ROUTED


def test_kept_with_the_township_a_routed_dispute_goes_back_to_reported(
    api_for, med, new_dispute, travel
):
    travel("2026-03-03")
    d = new_dispute(type="neighbour")
    services.dispute_route(actor=med["handler_a"], dispute_id=d.pk, body=med["units"][CENTRE_A])
    m = _meeting(med, travel)
    _decide(med, m, d, meetings.KEEP_WITH_TOWNSHIP)
    d.refresh_from_db()
    assert (d.state, d.body, d.current_level) == (DisputeState.REPORTED, None, d.arose_level)
    # Opening a case then routes it first, as for any reported dispute (no 500).
    r = api_for(med["handler_a"]).post(
        f"/api/v1/disputes/{d.pk}/cases", {"version": d.version}, format="json"
    )
    assert r.status_code == 201
    d.refresh_from_db()
    assert d.body is not None and d.state == DisputeState.ROUTED


def test_opening_a_case_on_a_routed_dispute_without_a_body_is_a_400(
    api_for, med, new_dispute, travel
):
    travel("2026-03-03")
    d = new_dispute(type="neighbour")
    services.dispute_route(actor=med["handler_a"], dispute_id=d.pk, body=med["units"][CENTRE_A])
    type(d).objects.filter(pk=d.pk).update(body=None)  # as an old meeting decision left some
    d.refresh_from_db()
    r = api_for(med["handler_a"]).post(
        f"/api/v1/disputes/{d.pk}/cases", {"version": d.version}, format="json"
    )
    assert r.status_code == 400 and "body" in r.json()["errors"]
    # Naming the body routes it and opens the case.
    r = api_for(med["handler_a"]).post(
        f"/api/v1/disputes/{d.pk}/cases",
        {"body": med["units"][CENTRE_A].pk, "version": d.version},
        format="json",
    )
    assert r.status_code == 201


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200
    return len(ctx.captured_queries)


def test_the_meeting_page_and_api_queries_do_not_grow_with_the_agenda(
    api_for, med, new_dispute, travel
):
    from django.test import Client

    travel("2026-03-03")
    for t in ("neighbour", "land"):
        new_dispute(type=t)
    m = _meeting(med, travel)
    page = Client()
    page.force_login(med["handler_a"])
    api = api_for(med["handler_a"])
    page_url, api_url = f"/mediation/meetings/{m.pk}/", f"/api/v1/meetings/{m.pk}"
    _queries(page, page_url)  # warm the caches (calendar, sessions)
    _queries(api, api_url)  # and log in for the token
    few = (_queries(page, page_url), _queries(api, api_url))
    for t in ("neighbour", "land", "labor", "family", "neighbour", "debt"):
        new_dispute(type=t)
    meetings.meeting_refresh_agenda(actor=med["handler_a"], meeting=m)
    assert m.items.count() == 8
    many = (_queries(page, page_url), _queries(api, api_url))
    assert few == many
