"""When the holiday data changes: mediation's running deadlines re-derived."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from xinfang.core import calendar

from .. import clocks
from ..models import CaseState, DisputeEvent, JudicialConfirmation, MediationCase


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def recompute_deadlines(*, years: frozenset[int], reason: str) -> int:
    """Registered with core.calendar.register_recompute: when the holiday data of
    `years` changed (a year published, a library upgrade), re-derive the running
    deadlines of mediation that the calendar computes, the open case's time limit
    and the judicial-confirmation window not yet used, where they may depend on
    those years or are provisional; each that moved goes on the dispute's
    timeline, from which date to which and why. The weekly meeting's deadlines are
    dates a person chose, not computed, and stay as they are."""
    window_q = Q()
    deadline_q = Q()
    for start, end in calendar.years_window(years):
        deadline_q |= Q(deadline__range=(start, end))
        window_q |= Q(window_ends_on__range=(start, end))
    changed = 0
    cases = (
        MediationCase.objects.select_for_update()
        .filter(state=CaseState.IN_PROGRESS, started_on__isnull=False)
        .filter(deadline_q | Q(deadline_provisional=True))
        .select_related("dispute")
        .order_by("pk")
    )
    for case in cases:
        deadline = clocks.case_deadline(case.started_on, extended=case.extended)
        before = (case.deadline, case.deadline_provisional)
        if (deadline.due, deadline.provisional) == before:
            continue
        case.deadline, case.deadline_provisional = deadline.due, deadline.provisional
        case.version += 1
        case.save(update_fields=["deadline", "deadline_provisional", "version"])
        _recomputed_event(case, "case", before, deadline, years, reason)
        changed += 1
    windows = (
        JudicialConfirmation.objects.select_for_update()
        .filter(applied_on__isnull=True, ruling="")
        .filter(window_q | Q(window_provisional=True))
        .select_related("agreement__case__dispute")
        .order_by("pk")
    )
    for jc in windows:
        window = clocks.judicial_window(jc.agreement.effective_on)
        before = (jc.window_ends_on, jc.window_provisional)
        if (window.due, window.provisional) == before:
            continue
        jc.window_ends_on, jc.window_provisional = window.due, window.provisional
        jc.save(update_fields=["window_ends_on", "window_provisional"])
        _recomputed_event(jc.agreement.case, "judicial_window", before, window, years, reason)
        changed += 1
    return changed


def _recomputed_event(case, which, before, deadline, years, reason) -> None:
    d = case.dispute
    DisputeEvent.record(
        d,
        action="deadline_recomputed",
        from_state=d.state,
        data={
            "case": case.pk,
            "case_number": case.number,
            "which": which,
            "years": sorted(years),
            "reason": str(reason),
            "previous": _iso(before[0]),
            "due": _iso(deadline.due),
            "provisional": deadline.provisional,
        },
    )
