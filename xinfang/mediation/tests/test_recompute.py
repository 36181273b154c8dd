"""The mediation deadlines the calendar computes (a case's time limit, the
judicial-confirmation window) follow the holiday data like the petitions': a
year published or a library upgrade moves them, each move on the dispute's
timeline, and a year nobody has entered keeps them provisional (issue 10,
acceptance 6)."""

import pytest
from chinese_calendar.constants import holidays as library_holidays
from django.urls import reverse

from xinfang.core import calendar
from xinfang.core.calendar import CalendarEntry
from xinfang.core.services import calendar_data_sync, calendar_year_publish
from xinfang.mediation import services
from xinfang.mediation.models import DisputeEvent, JudicialConfirmation
from xinfang.mediation.views import disputes as dispute_pages
from xinfang.petitions.services import petitions_tick

from .case_fixtures import agree, consent_all, d


@pytest.fixture(autouse=True)
def fresh_calendar():
    calendar.invalidate_cache()
    yield
    calendar.invalidate_cache()


def started_case(med, new_dispute):
    dispute = new_dispute()
    return consent_all(
        services.case_open(actor=med["handler_a"], dispute_id=dispute.pk), med["room_a"]
    )


def moves(case):
    return list(DisputeEvent.objects.filter(dispute=case.dispute, action="deadline_recomputed"))


def test_a_case_running_into_an_unknown_year_is_provisional_and_skips_new_years_day(
    med, new_dispute, travel
):
    travel("2026-12-01")
    case = started_case(med, new_dispute)

    # A month from 1 December ends on Friday 1 January 2027, 元旦.
    assert (case.deadline, case.deadline_provisional) == (d("2027-01-04"), True)


def test_the_case_page_and_the_api_say_the_deadline_is_provisional(
    med, new_dispute, travel, client
):
    travel("2026-12-01")
    case = started_case(med, new_dispute)
    client.force_login(med["room_a"])

    page = client.get(reverse("mediation:case", args=[case.pk]))
    api = client.get(f"/api/v1/cases/{case.pk}")

    assert page.status_code == 200
    assert 'data-deadline>2027-01-04</strong> <abbr class="provisional"' in page.content.decode()
    assert api.status_code == 200 and api.json()["deadline_provisional"] is True


def test_publishing_the_year_moves_the_case_deadline_with_a_timeline_event(
    med, new_dispute, travel
):
    travel("2026-12-01")
    calendar_data_sync()
    case = started_case(med, new_dispute)

    calendar_year_publish(
        year=2027,
        days=[
            CalendarEntry(d("2027-01-01"), False, "元旦"),
            CalendarEntry(d("2027-01-04"), False, "x"),
        ],
    )

    case.refresh_from_db()
    assert (case.deadline, case.deadline_provisional) == (d("2027-01-05"), False)
    [event] = moves(case)
    assert event.data["which"] == "case" and event.data["reason"] == "published"
    assert (event.data["previous"], event.data["due"]) == ("2027-01-04", "2027-01-05")
    [row] = [r for r in dispute_pages.timeline_rows(case.dispute) if r["event"] == event]
    assert "2027-01-04" in row["detail"] and "2027-01-05" in row["detail"]


def test_a_library_upgrade_moves_the_judicial_window_at_the_next_tick(
    med, new_dispute, travel, monkeypatch
):
    travel("2026-11-02")
    calendar_data_sync()
    case = started_case(med, new_dispute)
    agree(case, med["room_a"])
    jc = JudicialConfirmation.objects.get(agreement__case=case)
    assert (jc.window_ends_on, jc.window_provisional) == (d("2026-12-02"), False)

    # The next chinese-calendar release (simulated) makes 2 December a holiday.
    monkeypatch.setitem(library_holidays, d("2026-12-02"), "test holiday")
    petitions_tick()

    jc.refresh_from_db()
    assert jc.window_ends_on == d("2026-12-03")
    [event] = moves(case)
    assert event.data["which"] == "judicial_window" and event.data["reason"] == "data_changed"
    assert event.data["previous"] == "2026-12-02"


def test_an_open_case_moves_when_the_library_changes_its_year(
    med, new_dispute, travel, monkeypatch
):
    travel("2026-11-02")
    calendar_data_sync()
    case = started_case(med, new_dispute)
    assert case.deadline == d("2026-12-02")
    monkeypatch.setitem(library_holidays, d("2026-12-02"), "test holiday")

    calendar_data_sync()

    version = case.version
    case.refresh_from_db()
    assert case.deadline == d("2026-12-03") and len(moves(case)) == 1
    assert case.version == version + 1  # a mediator's form on the old date gets a conflict


def test_the_recompute_is_registered_with_the_calendar():
    assert services.recompute_deadlines in calendar.RECOMPUTE_CALLBACKS
