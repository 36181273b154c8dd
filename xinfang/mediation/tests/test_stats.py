"""The statistics: figures, drill-down, scoping, query count, the Wugang year."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from xinfang.mediation import meetings, services, stats
from xinfang.mediation.wugang import load_year

from .case_fixtures import agree, consent_all

YEAR = (dt.date(2016, 1, 1), dt.date(2016, 12, 31))


def test_the_statistics_move_with_an_agreement(med, new_dispute, travel):
    travel("2026-03-02")
    before = stats.report(user=med["handler_a"])
    dispute = new_dispute(type="neighbour")
    new_dispute(type="family", resolved_on_spot=True, how_resolved="当场说和")
    after_receipt = stats.report(user=med["handler_a"])
    assert after_receipt.total.received == before.total.received + 2
    assert after_receipt.total.screened == before.total.screened + 2
    assert after_receipt.total.settled == before.total.settled + 1
    case = consent_all(
        services.case_open(actor=med["handler_a"], dispute_id=dispute.pk), med["room_a"]
    )
    travel("2026-03-06")
    agree(case, med["room_a"])
    services.follow_up_record(actor=med["room_a"], case_id=case.pk, result="performed")
    r = stats.report(user=med["handler_a"])
    assert r.total.settled == 2 and r.total.received == 2
    assert str(r.total.rate) == "100.0"
    assert r.total.settled_where_arose == 2
    assert r.total.avg_days_to_settle == 2.0  # (0 + 4) / 2
    assert r.total.agreements == 1 and r.total.agreements_performed == 1
    village = next(f for f in r.by_level if f.key == "village")
    assert village.received == 2


def test_outsiders_do_not_count_what_they_cannot_see(med, new_dispute, travel):
    travel("2026-03-02")
    new_dispute()
    assert stats.report(user=med["handler_b"]).total.received == 0
    assert stats.report(user=med["handler_a"]).total.received == 1


def test_the_report_takes_a_fixed_number_of_queries(med, demo_tree):
    load_year(year=2016, received=300, settled=290, seed=1)
    stats.report(user=med["handler_a"])  # the user's units, memoised for the request
    with CaptureQueriesContext(connection) as small:
        stats.report(user=med["handler_a"], date_from=YEAR[0], date_to=YEAR[1])
    load_year(year=2015, received=900, settled=880, seed=2)
    # (the load saved units: the tree's kept answers, core.memo, are read again once)
    stats.report(user=med["handler_a"])
    with CaptureQueriesContext(connection) as large:
        stats.report(user=med["handler_a"], date_from=dt.date(2015, 1, 1), date_to=YEAR[1])
    assert len(small) == len(large) <= 10


@pytest.mark.django_db
def test_the_wugang_year_gives_98_3_per_cent_on_the_page_and_in_the_api(
    demo_tree, make_person, client
):
    call_command("load_wugang_year", "--allow-production", verbosity=0)
    leader = make_person("leader", demo_tree["410481"], username="w-leader")
    r = stats.report(user=leader, date_from=YEAR[0], date_to=YEAR[1])
    assert r.total.received == 4168
    assert r.total.settled == 4096
    assert str(r.total.rate) == "98.3"
    # "小事不出村、大事不出乡": most settle at the level where they arose.
    assert r.total.settled_where_arose / r.total.settled > 0.95
    assert [f.key for f in r.by_level] == ["village", "township", "city"]
    assert sum(f.received for f in r.by_type) == 4168
    assert r.total.judicial_applied >= r.total.judicial_confirmed > 0
    # A township sees its own villages only.
    township = make_person("handler", demo_tree["410481102"], username="w-handler")
    own = stats.report(user=township, date_from=YEAR[0], date_to=YEAR[1])
    assert 0 < own.total.received < 4168
    assert {f.label for f in own.by_township} == {"八台镇"}

    # Acceptance 5: seen on the statistics page and in the API.
    client.force_login(leader)
    page = client.get("/mediation/statistics/", {"from": "2016-01-01", "to": "2016-12-31"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "data-rate>98.3%<" in html
    assert "data-received>4168<" in html and "data-settled>4096<" in html
    api = APIClient()
    api.force_authenticate(leader)
    body = api.get("/api/v1/mediation/stats", {"from": "2016-01-01", "to": "2016-12-31"}).json()
    assert body["total"]["received"] == 4168 and body["total"]["settled"] == 4096
    assert body["total"]["settlement_rate"] == "98.3"
    village = api.get(
        "/api/v1/mediation/stats", {"from": "2016-01-01", "to": "2016-12-31", "level": "village"}
    ).json()
    assert village["total"]["received"] == r.by_level[0].received


def test_an_open_dispute_is_not_counted_as_a_failure(med, new_dispute, travel):
    travel("2026-03-02")
    new_dispute(type="family", resolved_on_spot=True, how_resolved="当场说和")
    new_dispute(type="neighbour")  # open: neither a success nor a failure yet
    r = stats.report(user=med["handler_a"])
    assert r.total.received == 2 and r.total.settled == 1 and r.total.closed == 1
    assert str(r.total.rate) == "100.0"


@pytest.mark.parametrize("role, code", [("dispatcher", "410481-XF"), ("supervisor", "410481-XF")])
def test_the_township_rows_drill_down_for_the_city_roles(
    med, new_dispute, travel, demo_tree, make_person, client, role, code
):
    travel("2026-03-02")
    new_dispute(type="neighbour")
    user = make_person(role, demo_tree[code], username=f"s-{role}")
    r = stats.report(user=user)
    townships = [f for f in r.by_township if f.key]
    assert townships, "the city role counts the townships' disputes"
    client.force_login(user)
    page = client.get("/mediation/statistics/", {"unit": townships[0].key})
    assert page.status_code == 200


def test_the_township_row_drills_down_for_the_liaison_and_the_mediator(
    med, new_dispute, travel, client
):
    travel("2026-03-02")
    new_dispute(type="neighbour")
    for who in ("liaison_a", "room_a"):
        r = stats.report(user=med[who])
        client.force_login(med[who])
        for f in r.by_township:
            if f.key:
                page = client.get("/mediation/statistics/", {"unit": f.key})
                assert page.status_code == 200, (who, f.label)


def test_the_city_start_page_lists_the_meetings_of_townships_with_disputes(
    med, new_dispute, travel, demo_tree, make_person
):
    travel("2026-03-02")
    dispute = new_dispute(type="neighbour")  # in 八台镇
    dispatcher = make_person("dispatcher", demo_tree["410481-XF"], username="s-meet")
    listed = [t.pk for t, _meeting in meetings.this_weeks_meeting(dispatcher)]
    assert listed[0] == dispute.township_id
    # Townships with nothing open and no meeting this week are left out.
    assert len(listed) == 1
