"""What staff type in is checked, with the field named: the receiving unit of a
registration, the dates of an agreement and its afterlife, ids and dates in query
strings. A 400 (or a 404 for what they may not see), never a 500."""

import pytest
from django.test import Client

from xinfang.core.exceptions import InvalidInput
from xinfang.mediation import selectors, services
from xinfang.mediation.models import Dispute
from xinfang.orgs.demo import TOWNSHIP_A, TOWNSHIP_B
from xinfang.orgs.services import membership_add

from .case_fixtures import (
    CENTRE_A,
    CENTRE_B,
    LAND_COMMITTEE,
    VILLAGE_A,
    VILLAGE_B,
    agree,
    consent_all,
)

pytestmark = pytest.mark.django_db


# --- the receiving unit ------------------------------------------------------------------


def _application(med, received_by, place=VILLAGE_A):
    return {
        "source": "application",
        "type": "neighbour",
        "place": med["units"][place].pk,
        "received_by": med["units"][received_by].pk,
        "summary": "邻里纠纷",
        "parties": [{"name": "甲"}, {"name": "乙"}],
    }


def test_a_registrar_cannot_name_another_townships_centre_as_receiver(api_for, med, travel):
    travel("2026-03-02")
    c = api_for(med["handler_a"])
    r = c.post("/api/v1/disputes", _application(med, CENTRE_B), format="json")
    assert r.status_code == 404  # township A's handler does not see township B's centre
    assert not Dispute.objects.exists()
    assert not selectors.visible_disputes(med["centre_b"]).exists()


def test_a_receiver_the_registrar_sees_but_does_not_act_for_is_a_400(api_for, med, travel):
    travel("2026-03-02")
    # Township A's handler also watches township B (a supervisor there): sees its
    # centre, registers nothing for it.
    membership_add(user=med["handler_a"], unit=med["units"][TOWNSHIP_B], role="supervisor")
    with pytest.raises(InvalidInput) as exc:
        services.dispute_register(
            actor=med["handler_a"],
            source="application",
            type="neighbour",
            place=med["units"][VILLAGE_A],
            received_by=med["units"][CENTRE_B],
            summary="邻里纠纷",
            parties=[{"name": "甲"}, {"name": "乙"}],
        )
    assert "received_by" in exc.value.field_errors
    assert not Dispute.objects.exists()
    r = api_for(med["handler_a"]).post(
        "/api/v1/disputes", _application(med, CENTRE_B), format="json"
    )
    assert r.status_code == 400 and "received_by" in r.json()["errors"]


def test_a_receiver_must_hold_the_place(api_for, med, travel):
    travel("2026-03-02")
    c = api_for(med["centre_a"])
    r = c.post("/api/v1/disputes", _application(med, CENTRE_A, place=VILLAGE_B), format="json")
    assert r.status_code in (400, 403)
    assert not Dispute.objects.exists()
    # Its own centre over its own village is fine.
    r = c.post("/api/v1/disputes", _application(med, CENTRE_A), format="json")
    assert r.status_code == 201, r.content


# --- the agreement's dates -----------------------------------------------------------------


@pytest.fixture
def started(med, new_dispute, travel):
    """A land case at the committee, mediation started on 2026-03-05."""
    travel("2026-03-02")
    d = new_dispute(type="land")
    case = services.case_open(
        actor=med["handler_a"],
        dispute_id=d.pk,
        body=med["units"][LAND_COMMITTEE],
        mediators=[med["roster"]["land"].pk],
    )
    travel("2026-03-05")
    return consent_all(case, med["land"])


def _errors(call) -> dict:
    with pytest.raises(InvalidInput) as exc:
        call()
    return exc.value.field_errors


def test_an_agreement_is_signed_within_the_case_and_takes_effect_within_a_year(
    api_for, med, started, travel
):
    travel("2026-03-20")
    d = started.started_on
    assert str(d) == "2026-03-05"
    land = med["land"]
    before = _errors(lambda: agree(started, land, signed_on=d.replace(day=4)))
    assert "signed_on" in before
    future = _errors(lambda: agree(started, land, signed_on=d.replace(day=21)))
    assert "signed_on" in future
    far = _errors(lambda: agree(started, land, effective_on=d.replace(year=9999, day=31)))
    assert "effective_on" in far
    api = api_for(land)
    r = api.post(
        f"/api/v1/cases/{started.pk}/agreement",
        {
            "form": "written",
            "facts": "事实",
            "issues": "争议",
            "responsibilities": "责任",
            "effective_on": "9999-12-31",
            "terms": [{"text": "拆墙"}],
            "version": api.get(f"/api/v1/cases/{started.pk}").json()["version"],
        },
        format="json",
    )
    assert r.status_code == 400 and "effective_on" in r.json()["errors"]
    a = agree(started, land, signed_on=d, effective_on=d.replace(day=10))
    assert a.signed_on == d


def test_follow_ups_and_judicial_dates_follow_the_agreement(med, started, travel):
    travel("2026-03-20")
    land = med["land"]
    a = agree(started, land, signed_on=started.started_on.replace(day=10))
    case = started.pk

    def follow(on):
        return services.follow_up_record(actor=land, case_id=case, result="not", on=on)

    assert "on" in _errors(lambda: follow(a.signed_on.replace(day=9)))
    assert "on" in _errors(lambda: follow(a.signed_on.replace(day=21)))
    follow(a.signed_on)

    def apply(on):
        return services.judicial_apply(
            actor=land, case_id=case, court="舞钢市人民法院", applied_on=on
        )

    assert "applied_on" in _errors(lambda: apply(a.effective_on.replace(day=9)))
    assert "applied_on" in _errors(lambda: apply(a.effective_on.replace(day=25)))
    apply(a.effective_on.replace(day=12))

    def rule(on):
        return services.judicial_ruling(actor=land, case_id=case, ruling="confirmed", ruling_on=on)

    assert "ruling_on" in _errors(lambda: rule(a.effective_on.replace(day=11)))
    assert "ruling_on" in _errors(lambda: rule(a.effective_on.replace(day=21)))
    rule(a.effective_on.replace(day=20))


# --- ids and dates in query strings -----------------------------------------------------------


SUPERSCRIPT_TWO = "\u00b2"  # "²".isdigit() is True, int("²") a ValueError


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/mediation/stats?unit=", "unit"),
        ("/api/v1/screening/reports?village=", "village"),
        ("/api/v1/screening/reports?township=", "township"),
        ("/api/v1/meetings?township=", "township"),
        ("/api/v1/ledger?township=", "township"),
        ("/api/v1/ledger?village=", "village"),
        ("/api/v1/ledger.xlsx?township=", "township"),
        ("/api/v1/disputes?body=", "body"),
    ],
)
def test_the_api_answers_a_unicode_digit_id_with_400(api_for, med, url, field):
    r = api_for(med["handler_a"]).get(url + SUPERSCRIPT_TWO)
    assert r.status_code == 400, (url, r.status_code)
    assert field in r.json()["errors"]


@pytest.mark.parametrize(
    "url",
    [
        "/mediation/statistics/?unit=²",
        "/mediation/ledger/?township=²",
        "/mediation/ledger/?village=²&day=9999-12-31",
        "/mediation/ledger.xlsx?township=²",
        "/mediation/meetings/?township=²",
        "/mediation/disputes/?body=²",
        "/mediation/statistics/?from=0001-01-01&to=9999-12-31",
    ],
)
def test_pages_answer_bad_ids_and_dates_without_a_500(med, url):
    c = Client(raise_request_exception=False)
    c.force_login(med["handler_a"])
    assert c.get(url).status_code in (200, 400), url


@pytest.mark.parametrize(
    "query", ["week=9999-12-31", "date=0001-01-01", "week=0001-01-01", "week=2026-02-30"]
)
def test_missing_reports_at_the_calendars_edge_are_a_400(api_for, med, query):
    township = med["units"][TOWNSHIP_A].pk
    r = api_for(med["handler_a"]).get(f"/api/v1/screening/missing?township={township}&{query}")
    assert r.status_code == 400, (query, r.status_code)


def test_a_meeting_for_a_week_at_the_calendars_edge_is_a_400(api_for, med, travel):
    travel("2026-03-02")
    c = api_for(med["handler_a"])
    for week in ("9999-12-27", "0001-01-01"):
        r = c.post(
            "/api/v1/meetings",
            {"township": med["units"][TOWNSHIP_A].pk, "week_start": week},
            format="json",
        )
        assert r.status_code == 400 and "week_start" in r.json()["errors"], week
