"""A change of the holiday data is found and applied without anyone running a
command: the fingerprint stored in the database against the data in force,
compared by the tick, after migrate and on publication."""

from datetime import date, datetime

import pytest
from chinese_calendar.constants import holidays as library_holidays
from django.core.management import call_command
from django.db.migrations.executor import MigrationExecutor

from xinfang.core import calendar, services, signals
from xinfang.core.calendar import CalendarEntry
from xinfang.core.models import CalendarDay, CalendarFingerprint

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_calendar(monkeypatch, time_machine):
    calendar.invalidate_cache()
    monkeypatch.setattr(calendar, "RECOMPUTE_CALLBACKS", [])
    time_machine.move_to(datetime(2026, 11, 28, 12, 0, tzinfo=calendar.CHINA_TZ), tick=False)
    services.calendar_data_sync()  # the stored fingerprint is today's data
    yield
    calendar.invalidate_cache()


@pytest.fixture
def recomputed():
    """(years, reason) of each call of the recompute registry."""
    calls = []

    def callback(*, years, reason):
        calls.append((sorted(years), str(reason)))
        return 0

    calendar.register_recompute(callback)
    return calls


def test_nothing_is_recomputed_when_nothing_changed(recomputed):
    assert services.calendar_data_sync() == frozenset()
    assert recomputed == []
    assert CalendarFingerprint.objects.get().checked_at is not None


def test_a_library_upgrade_that_changes_a_year_is_recomputed_once(monkeypatch, recomputed):
    # As if chinese-calendar's next release corrected 2026: 31 December a holiday.
    monkeypatch.setitem(library_holidays, date(2026, 12, 31), "New Year's Day")

    assert services.calendar_data_sync() == {2026}
    assert recomputed == [([2026], "data_changed")]
    assert services.calendar_data_sync() == frozenset()  # recorded: not again
    assert len(recomputed) == 1


def test_the_library_learning_the_next_year_is_a_change_of_that_year(monkeypatch, recomputed):
    monkeypatch.setitem(library_holidays, date(2027, 1, 1), "New Year's Day")
    monkeypatch.setattr(calendar, "LIBRARY_LAST_YEAR", 2027)

    assert services.calendar_data_sync() == {2027}
    assert recomputed == [([2027], "data_changed")]


def test_new_rules_for_unknown_years_recompute_those_years(monkeypatch, recomputed):
    monkeypatch.setattr(calendar, "RULES_VERSION", "next")

    assert services.calendar_data_sync() == {2027, 2028}


def test_publishing_a_year_recomputes_it_and_records_the_fingerprint(recomputed):
    before = CalendarFingerprint.objects.get().digest

    services.calendar_year_publish(year=2027, days=[CalendarEntry(date(2027, 1, 4), False, "x")])

    stored = CalendarFingerprint.objects.get()
    assert recomputed == [([2027], "published")]
    assert stored.digest != before and stored.digest == calendar.fingerprint_digest(
        calendar.fingerprint()
    )
    assert stored.versions["chinese-calendar"] and stored.versions["lunardate"]
    assert services.calendar_data_sync() == frozenset()


def test_publishing_also_applies_a_change_no_tick_has_seen_yet(monkeypatch, recomputed):
    monkeypatch.setitem(library_holidays, date(2026, 12, 31), "New Year's Day")

    services.calendar_year_publish(year=2027, days=[])

    assert recomputed == [([2027], "published"), ([2026], "data_changed")]


def test_published_days_changed_outside_the_service_are_caught_by_the_next_run(recomputed):
    services.calendar_year_publish(year=2027, days=[CalendarEntry(date(2027, 1, 4), False, "x")])
    CalendarDay.objects.filter(date=date(2027, 1, 4)).update(date=date(2027, 1, 5))

    assert services.calendar_data_sync() == {2027}
    assert recomputed[-1] == ([2027], "data_changed")


def test_a_failing_recompute_keeps_the_old_fingerprint_so_the_next_run_tries_again(monkeypatch):
    monkeypatch.setitem(library_holidays, date(2026, 12, 31), "New Year's Day")
    calls = []

    def fail(*, years, reason):
        calls.append(years)
        raise RuntimeError("recompute failed")

    calendar.register_recompute(fail)
    with pytest.raises(RuntimeError):
        services.calendar_data_sync()
    calendar.RECOMPUTE_CALLBACKS.remove(fail)

    assert services.calendar_data_sync() == {2026}
    assert len(calls) == 1


def test_migrate_applies_a_library_upgrade(monkeypatch, recomputed):
    monkeypatch.setitem(library_holidays, date(2026, 12, 31), "New Year's Day")

    call_command("migrate", verbosity=0, interactive=False)

    assert recomputed == [([2026], "data_changed")]


def test_a_partial_migrate_leaves_the_deadlines_to_the_full_one(monkeypatch, recomputed):
    monkeypatch.setitem(library_holidays, date(2026, 12, 31), "New Year's Day")
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: ["unapplied"])

    signals.sync_calendar_after_migrate(sender=None, verbosity=0)

    assert recomputed == []
