"""Daily screening (日排查): a liaison's report, resending, the village rule, missing days."""

import datetime as dt

import pytest

from xinfang.core.exceptions import InvalidInput, NotFound, PermissionDenied
from xinfang.mediation import screening
from xinfang.mediation.models import (
    Dispute,
    DisputeEvent,
    DisputeState,
    ScreeningReport,
    Source,
)
from xinfang.orgs.demo import TOWNSHIP_A, TOWNSHIP_B

from .screening_fixtures import (
    VILLAGE_A1,
    VILLAGE_A2,
    VILLAGE_B1,
    dispute_input,
    passed_up_input,
)

pytestmark = pytest.mark.django_db


def submit(med, demo_tree, who="liaison_a", village=VILLAGE_A1, **kw):
    return screening.screening_report_submit(actor=med[who], village=demo_tree[village], **kw)


def test_it_stores_a_report_with_one_dispute_resolved_and_one_passed_up(med, demo_tree, travel):
    travel("2026-03-10")

    done = submit(med, demo_tree, disputes=[dispute_input(), passed_up_input()])

    assert done.result == "created"
    report = done.report
    assert report.report_date == dt.date(2026, 3, 10)
    assert report.village == demo_tree[VILLAGE_A1] and not report.nil
    resolved, passed = sorted(report.disputes.all(), key=lambda d: d.resolved_on_spot)[::-1]
    assert resolved.resolved_on_spot and resolved.state == DisputeState.SETTLED
    assert resolved.how_resolved == "村调解员现场丈量，双方认可"
    assert resolved.settled_level == "village"
    assert passed.state == DisputeState.REPORTED and passed.source == Source.SCREENING
    assert passed.township == demo_tree[TOWNSHIP_A]
    assert [p.name for p in passed.parties.all()] == ["赵铁柱", "钱老板"]
    assert list(passed.events.values_list("action", flat=True)) == ["register", "pass_up"]
    assert list(resolved.events.values_list("action", flat=True)) == ["register"]


def test_a_nil_return_is_stored_as_such(med, demo_tree, travel):
    travel("2026-03-10")

    done = submit(med, demo_tree, nil=True)

    assert done.report.nil and done.result == "created"
    assert not Dispute.objects.exists()
    assert screening.missing_reports(demo_tree[TOWNSHIP_A], dt.date(2026, 3, 10)) == [
        demo_tree[TOWNSHIP_A + f"{i:03d}"] for i in (2, 3, 4)
    ]


def test_a_nil_return_with_disputes_or_a_report_without_either_is_refused(med, demo_tree, travel):
    travel("2026-03-10")

    with pytest.raises(InvalidInput) as nil_and_disputes:
        submit(med, demo_tree, nil=True, disputes=[dispute_input()])
    with pytest.raises(InvalidInput) as nothing:
        submit(med, demo_tree)

    assert "nil" in nil_and_disputes.value.field_errors
    assert "disputes" in nothing.value.field_errors
    assert not ScreeningReport.objects.exists()


def test_the_same_key_twice_stores_one_report(med, demo_tree, travel):
    travel("2026-03-10")

    first = submit(med, demo_tree, disputes=[passed_up_input()], idempotency_key="k-1")
    again = submit(med, demo_tree, disputes=[passed_up_input()], idempotency_key="k-1")

    assert (first.result, again.result) == ("created", "replayed")
    assert again.report.pk == first.report.pk
    assert ScreeningReport.objects.count() == 1
    assert Dispute.objects.count() == 1
    assert DisputeEvent.objects.filter(action="pass_up").count() == 1


def test_a_key_is_the_users_own(med, demo_tree, travel):
    travel("2026-03-10")
    submit(med, demo_tree, nil=True, idempotency_key="same")

    other = submit(med, demo_tree, who="liaison_a2", village=VILLAGE_A2, nil=True,
                   idempotency_key="same")  # fmt: skip

    assert other.result == "created"
    assert other.report.village == demo_tree[VILLAGE_A2]


def test_a_second_report_of_the_day_adds_its_disputes_to_the_days_report(med, demo_tree, travel):
    travel("2026-03-10")
    morning = submit(med, demo_tree, nil=True, idempotency_key="am")

    afternoon = submit(med, demo_tree, disputes=[passed_up_input()], idempotency_key="pm")
    resent = submit(med, demo_tree, disputes=[passed_up_input()], idempotency_key="pm")

    assert afternoon.result == "added" and afternoon.report.pk == morning.report.pk
    assert resent.result == "replayed" and resent.report.pk == morning.report.pk
    report = ScreeningReport.objects.get()
    assert not report.nil
    assert report.disputes.count() == 1


def test_a_nil_return_on_a_reported_day_changes_nothing(med, demo_tree, travel):
    travel("2026-03-10")
    submit(med, demo_tree, disputes=[dispute_input()])

    done = submit(med, demo_tree, nil=True)

    assert done.result == "unchanged"
    assert not ScreeningReport.objects.get().nil


def test_a_liaison_cannot_report_for_another_village(med, demo_tree, travel):
    travel("2026-03-10")

    # Village A2 of the same township: the liaison of A1 cannot see it (404).
    with pytest.raises(NotFound):
        submit(med, demo_tree, village=VILLAGE_A2, disputes=[dispute_input()])
    with pytest.raises(NotFound):
        submit(med, demo_tree, village=VILLAGE_B1, nil=True)
    # The township's handler sees village A1 but is not its liaison (403).
    with pytest.raises(PermissionDenied):
        submit(med, demo_tree, who="handler_a", nil=True)

    assert not ScreeningReport.objects.exists()
    assert not Dispute.objects.exists()


def test_the_place_must_be_in_the_liaisons_village(med, demo_tree, travel):
    travel("2026-03-10")

    with pytest.raises(InvalidInput) as exc:
        submit(med, demo_tree, disputes=[dispute_input(place=demo_tree[VILLAGE_A2].pk)])

    assert "disputes[0].place" in exc.value.field_errors
    assert not ScreeningReport.objects.exists()


def test_every_dispute_s_errors_are_named_and_nothing_is_stored(med, demo_tree, travel):
    travel("2026-03-10")

    with pytest.raises(InvalidInput) as exc:
        submit(
            med,
            demo_tree,
            disputes=[
                dispute_input(how_resolved=""),
                passed_up_input(summary="", parties=[]),
                dispute_input(outcome=""),
            ],
        )

    assert set(exc.value.field_errors) == {
        "disputes[0].how_resolved",
        "disputes[1].summary",
        "disputes[1].applicants",
        "disputes[2].outcome",
    }
    assert not ScreeningReport.objects.exists() and not Dispute.objects.exists()


def test_report_dates_future_late_and_too_late(med, demo_tree, travel):
    travel("2026-03-10")

    with pytest.raises(InvalidInput) as future:
        submit(med, demo_tree, nil=True, report_date=dt.date(2026, 3, 11))
    yesterday = submit(med, demo_tree, nil=True, report_date=dt.date(2026, 3, 9))
    with pytest.raises(InvalidInput) as late_without_note:
        submit(med, demo_tree, nil=True, report_date=dt.date(2026, 3, 6))
    late = submit(med, demo_tree, nil=True, report_date=dt.date(2026, 3, 6), note="停电补报")
    with pytest.raises(InvalidInput) as too_late:
        submit(med, demo_tree, nil=True, report_date=dt.date(2026, 3, 2), note="补报")

    assert "report_date" in future.value.field_errors
    assert yesterday.report.report_date == dt.date(2026, 3, 9)
    assert "note" in late_without_note.value.field_errors
    assert late.report.note == "停电补报"
    assert "report_date" in too_late.value.field_errors


def test_missing_reports_of_a_week_list_each_village_and_its_days(med, demo_tree, travel):
    township = demo_tree[TOWNSHIP_A]
    # Monday 2026-03-09 to Wednesday: village 1 reports every day, village 2 on Monday.
    for day in ("2026-03-09", "2026-03-10", "2026-03-11"):
        travel(day)
        submit(med, demo_tree, nil=True)
    travel("2026-03-09")
    submit(med, demo_tree, who="liaison_a2", village=VILLAGE_A2, nil=True)
    travel("2026-03-11")

    rows = screening.missing_reports_week(township, dt.date(2026, 3, 9))

    by_code = {r["village"].code: r["days"] for r in rows}
    assert VILLAGE_A1 not in by_code
    assert by_code[VILLAGE_A2] == [dt.date(2026, 3, 10), dt.date(2026, 3, 11)]
    assert by_code[TOWNSHIP_A + "003"] == [dt.date(2026, 3, d) for d in (9, 10, 11)]
    assert len(rows) == 3  # villages 2, 3, 4; days after today are not missing yet


def test_reports_are_seen_by_their_village_and_township_only(med, demo_tree, travel):
    travel("2026-03-10")
    mine = submit(med, demo_tree, nil=True).report
    theirs = submit(med, demo_tree, who="liaison_b1", village=VILLAGE_B1, nil=True).report

    def seen(who):
        return set(screening.visible_reports(med[who]).values_list("pk", flat=True))

    assert seen("liaison_a") == {mine.pk}
    assert seen("liaison_a2") == set()
    assert seen("handler_a") == {mine.pk}
    assert seen("centre_a") == {mine.pk}
    assert seen("handler_b") == {theirs.pk}
    assert seen("city_leader") == {mine.pk, theirs.pk}
    assert seen("analyst") == set()
    with pytest.raises(NotFound):
        screening.report_get(user=med["handler_b"], pk=mine.pk)


def test_ledger_and_meeting_rights_follow_the_roles(med, demo_tree):
    a, b = demo_tree[TOWNSHIP_A], demo_tree[TOWNSHIP_B]

    assert screening.may_read_ledger(med["handler_a"], a)
    assert not screening.may_read_ledger(med["handler_a"], b)
    assert screening.may_read_ledger(med["centre_a"], a)
    assert not screening.may_run_meeting(med["centre_a"], a)
    assert screening.may_run_meeting(med["leader_a"], a)
    assert screening.may_read_ledger(med["city_leader"], b)
    assert not screening.may_read_ledger(med["liaison_a"], a)
    assert not screening.may_read_ledger(med["analyst"], a)
