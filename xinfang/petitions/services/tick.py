"""Clocks over time: matters that turn red, windows that lapse, deadlines
re-derived when the holiday data changes."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.core import calendar
from xinfang.core import services as core_services
from xinfang.orgs.models import Role

from ..models import CLOSED_STATES, Petition, PetitionEvent, State
from .frame import derive_due, set_clock
from .frame import today as _today
from .notify import notify_users, users_with

# --- clocks over time -------------------------------------------------------------


# The unit that must act on the matter in each state (the responsible unit, or
# the organ reviewing it); in `registered` the petition office itself.
ACTING_UNIT_FIELD = {
    State.FORWARDED: "responsible_unit_id",
    State.PENDING_ACCEPTANCE: "responsible_unit_id",
    State.ACCEPTED: "responsible_unit_id",
    State.OPINION_ISSUED: "responsible_unit_id",
    State.UNDER_REVIEW: "review_unit_id",
    State.REVIEW_ISSUED: "review_unit_id",
    State.UNDER_RE_REVIEW: "re_review_unit_id",
    State.RE_REVIEW_ISSUED: "re_review_unit_id",
}


def red_recipients(p: Petition) -> list:
    """Who hears that a matter is red (DOMAIN.md section 5: escalated to the
    supervising unit and the owning leader; and those who must act on it, or
    the red says nothing to them): the office's supervisors and dispatchers, the
    owning leader, and the acting unit's handler, handlers and head."""
    recipients = users_with(Role.SUPERVISOR, [p.office_id])
    recipients += users_with(Role.DISPATCHER, [p.office_id])
    if p.owner_leader_id:
        recipients.append(p.owner_leader)
    unit_id = getattr(p, ACTING_UNIT_FIELD.get(p.state, ""), None)
    if unit_id:
        if p.handler_id and unit_id == p.responsible_unit_id:
            recipients.append(p.handler)
        recipients += users_with(Role.HANDLER, [unit_id])
        recipients += users_with(Role.UNIT_HEAD, [unit_id])
    return recipients


def escalate_red(p: Petition, *, reason) -> None:
    """A red matter goes to the supervising unit, the owning leader, the
    dispatcher and the unit that must act (red_recipients)."""
    recipients = red_recipients(p)
    message = _("Red: %(number)s %(summary)s (%(reason)s)") % {
        "number": p.number,
        "summary": p.summary[:60],
        "reason": reason,
    }
    notify_users(recipients, petition=p, kind="red", message=message)
    p.red_notified_on = _today()


def petitions_tick(*, today: dt.date | None = None) -> dict[str, int]:
    """Run by the scheduler (manage.py petitions_tick, e.g. every 10 minutes):
    notify matters that turned red; conclude matters whose review window lapsed.
    First, if the holiday data changed since the last run (a library upgrade, a
    year published elsewhere), the stored deadlines are recomputed."""
    today = today or _today()
    counts = {"red": 0, "lapsed": 0}
    counts["holiday_years"] = len(core_services.calendar_data_sync())
    overdue = (
        # Only a clock the office lets colour turns a matter red (its settings).
        Petition.objects.filter(due_date__lt=today, clock_colours=True)
        .exclude(state__in=CLOSED_STATES)
        .filter(Q(red_notified_on__isnull=True) | Q(red_notified_on__lt=F("clock_started_on")))
    )
    for pk in overdue.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            p = Petition.objects.select_for_update().get(pk=pk)
            if p.due_date is None or p.due_date >= today or not p.clock_colours:
                continue
            escalate_red(p, reason=gettext_lazy("overdue"))
            p.save(update_fields=["red_notified_on", "updated_at"])
            PetitionEvent.record(
                p,
                action="turned_red",
                from_state=p.state,
                note=str(_("A clock is overdue.")),
                data={"clock": p.clock, "due": p.due_date.isoformat()},
            )
            counts["red"] += 1
    lapsed = Petition.objects.filter(
        state__in=[State.OPINION_ISSUED, State.REVIEW_ISSUED], window_ends_on__lt=today
    )
    for pk in lapsed.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            p = Petition.objects.select_for_update().get(pk=pk)
            if (
                p.state not in (State.OPINION_ISSUED, State.REVIEW_ISSUED)
                or p.window_ends_on >= today
            ):
                continue
            from_state = p.state
            p.state = State.CONCLUDED
            p.concluded_reason = "window_lapsed"
            set_clock(p)
            p.version += 1
            p.save()
            PetitionEvent.record(
                p,
                action="window_lapsed",
                from_state=from_state,
                public=True,
                data={"reason": "window_lapsed"},
            )
            counts["lapsed"] += 1
    return counts


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def recompute_deadlines(*, years: frozenset[int], reason: str) -> int:
    """Registered with core.calendar.register_recompute: when the holiday data of
    `years` changed (a year published, a library upgrade), re-derive every open
    matter's deadline that may depend on it, or is provisional, and put each one
    that moved on the matter's timeline (from which date to which, and why)."""
    touching = Q(due_provisional=True)
    for start, end in calendar.years_window(years):
        touching |= Q(due_date__range=(start, end)) | Q(window_ends_on__range=(start, end))
    candidates = Petition.objects.exclude(state__in=CLOSED_STATES).filter(touching)
    changed = 0
    for p in candidates.select_for_update().order_by("pk"):
        if not p.clock or p.clock_started_on is None:
            continue
        before = (p.due_date, p.window_ends_on, p.due_provisional)
        derive_due(p)
        if (p.due_date, p.window_ends_on, p.due_provisional) == before:
            continue
        p.save(
            update_fields=[
                "due_date",
                "yellow_from",
                "clock_colours",
                "window_ends_on",
                "due_provisional",
                "updated_at",
            ]
        )
        PetitionEvent.record(
            p,
            action="deadline_recomputed",
            from_state=p.state,
            # The review window is the petitioner's own deadline: they see it move.
            public=before[1] != p.window_ends_on,
            data={
                "years": sorted(years),
                "reason": str(reason),
                "clock": p.clock,
                "previous_due": _iso(before[0]),
                "due": _iso(p.due_date),
                "previous_window": _iso(before[1]),
                "window": _iso(p.window_ends_on),
                "provisional": p.due_provisional,
            },
        )
        changed += 1
    return changed
