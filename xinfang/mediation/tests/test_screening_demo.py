"""The demo screening for `make run`: weeks of reports, missed days, one held meeting."""

import pytest
from django.core.management import call_command

from xinfang.mediation.models import Dispute, DisputeState, Meeting, ScreeningReport
from xinfang.orgs.demo import TOWNSHIP_A

pytestmark = pytest.mark.django_db


def test_the_demo_has_reports_of_every_kind_and_a_closed_meeting(demo_tree, travel):
    travel("2026-03-18")

    call_command("seed_demo_screening", allow_production=True, verbosity=0)

    reports = ScreeningReport.objects.all()
    assert reports.filter(nil=True).exists() and reports.filter(nil=False).exists()
    days = 7 * 2 + 3  # Monday three weeks back to Wednesday the 18th
    assert reports.count() < 8 * days  # some days were missed
    assert Dispute.objects.filter(resolved_on_spot=True).exists()
    assert Dispute.objects.filter(state=DisputeState.REPORTED).exists()
    meeting = Meeting.objects.get()
    assert meeting.township == demo_tree[TOWNSHIP_A] and meeting.closed
    assert meeting.items.exists() and not meeting.items.filter(decided_at__isnull=True).exists()
    assert Dispute.objects.filter(deadline__lt="2026-03-18").exists()  # some now overdue


def test_the_demo_is_added_once(demo_tree, travel):
    travel("2026-03-18")
    call_command("seed_demo_screening", allow_production=True, verbosity=0)
    counts = (ScreeningReport.objects.count(), Dispute.objects.count(), Meeting.objects.count())

    call_command("seed_demo_screening", allow_production=True, verbosity=0)

    assert (
        ScreeningReport.objects.count(),
        Dispute.objects.count(),
        Meeting.objects.count(),
    ) == counts
