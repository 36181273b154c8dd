"""What the mediation area adds to other pages: the start-page panels (the
mediator's cases; the liaison's report, the township's ledger and meeting), the
mediation card on a petition's page (优先调解, both timelines linked) and the
petition raised from a dispute. Registered in apps.py (core.registry,
orgs.roles, petitions.registry); nothing here imports a page of another area."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from xinfang.core import calendar
from xinfang.orgs.models import Role
from xinfang.orgs.selectors import memberships_of

from . import ledger, meetings, screening, selectors, services
from . import permissions as policy
from .forms import cases as forms
from .models import OPEN_DISPUTE_STATES, DisputeState
from .services import diversion

# --- start pages ---------------------------------------------------------------------


def start_panel(request, role):
    """The mediator's start page: open cases, those due within a week, judicial
    windows still open."""
    if role != Role.MEDIATOR:
        return None
    user = request.user
    today = calendar.today()
    cases = selectors.open_cases_for(user)
    soon = cases.filter(deadline__isnull=False, deadline__lte=today + dt.timedelta(days=7))
    bodies = [m.unit for m in memberships_of(user) if m.role == Role.MEDIATOR]
    links = [
        (_("Disputes"), reverse("mediation:disputes") + "?state=open"),
        (_("Mediation statistics"), reverse("mediation:stats")),
    ]
    links += [
        (_("Roster: %(body)s") % {"body": b.name}, reverse("mediation:roster", args=[b.pk]))
        for b in bodies[:2]
    ]
    return {
        "title": _("Mediation"),
        "lines": [
            (_("Open cases"), cases.count()),
            (_("Due within 7 days or overdue"), soon.count()),
            (
                _("Agreements within the judicial-confirmation window"),
                selectors.judicial_windows_open(user, today).count(),
            ),
        ],
        "links": links,
    }


STAFF_ROLES = set(policy.LEDGER_ROLES)


def screening_panel(request, role):
    """The liaison's "reported today?" and the township staff's ledger and meeting."""
    user = request.user
    if role == Role.LIAISON:
        rows = screening.reported_today(user)
        if not rows:
            return None
        lines = [
            (
                v.name,
                (_("Reported (nothing found)") if r.nil else _("Reported"))
                if r
                else _("Not reported yet"),
            )
            for v, r in rows
        ]
        return {
            "title": _("Today's screening"),
            "lines": lines,
            "links": [(_("Report today's screening"), reverse("mediation:screening_report"))],
        }
    if role not in STAFF_ROLES or not policy.township_ids_for(user, "read_ledger"):
        return None
    counts = ledger.counts(user=user)
    lines = [(_("Open disputes"), counts["open"]), (_("Overdue"), counts["overdue"])]
    for township, meeting in meetings.this_weeks_meeting(user)[:3]:
        lines.append(
            (
                _("This week's meeting: %(township)s") % {"township": township.name},
                (_("Closed") if meeting.closed else _("Open")) if meeting else _("Not held yet"),
            )
        )
    return {
        "title": _("Dispute ledger"),
        "lines": lines,
        "links": [
            (_("Open the ledger"), reverse("mediation:ledger")),
            (_("Weekly meetings"), reverse("mediation:meetings")),
        ],
    }


# --- the petition's page -------------------------------------------------------------


def petition_panel(user, petition) -> dict:
    """The mediation card on a petition's page: its disputes with their events (the
    ones it was diverted to, and the failed one it was raised from), and the
    diversion form for the petition's dispatcher or handler."""
    disputes = selectors.disputes_of_petition(user=user, petition=petition)
    may_act = policy.may_act_on_petition(user, petition)
    in_mediation = any(d.state in OPEN_DISPUTE_STATES for d in disputes)
    could_divert = (
        may_act and petition.state in diversion.PETITION_DIVERTIBLE_STATES and not in_mediation
    )
    # An accusation is not mediated (law key accusation_confidential): no control, the reason instead.
    refused = (
        diversion.PETITION_ACCUSATION_NOT_DIVERTED
        if could_divert and diversion.PETITION_IS_ACCUSATION(petition)
        else None
    )
    may_divert = could_divert and refused is None
    if not disputes and not may_divert and refused is None:
        return {}
    return {
        "disputes": [
            {
                "d": d,
                "raised": (d.data or {}).get("raised_petition") == petition.pk,
                "events": [{"event": e, "label": e.label} for e in d.events.all()],
            }
            for d in disputes
        ],
        "form": forms.DivertForm(prefix="divert") if may_divert else None,
        "refused": refused,
    }


def matter_panel(request, petition) -> dict | None:
    """petitions.registry.MATTER_PANELS: the 优先调解 card, when there is one."""
    panel = petition_panel(request.user, petition)
    if not panel:
        return None
    return {"template": "mediation/_petition_panel.html", "mediation": panel, "p": petition}


class DisputeSource:
    """petitions.registry.REGISTRATION_SOURCES["dispute"]: a petition raised from a
    dispute whose mediation failed (the parties keep the other routes, law key
    mediation_stop)."""

    @staticmethod
    def describe(request, source_id) -> dict | None:
        """Where the registration comes from, and the form filled in from it (404
        unless the user sees the dispute). `raisable`: mediation failed and no
        petition was raised from it yet."""
        if not source_id:
            return None
        prefill = selectors.petition_prefill(user=request.user, dispute_id=source_id)
        d = prefill["dispute"]
        return {
            "label": _("Raised after the mediation of dispute %(number)s failed.")
            % {"number": d.number},
            "url": reverse("mediation:dispute", args=[d.pk]),
            "initial": prefill["form"],
            "object": d,
            "number": d.number,
            "parties": prefill["parties"],
            "petitioners": prefill["petitioners"],
            # Each full ID number or phone copied into the form is a read of
            # personal data: the petition's page records it under this target.
            "reveal_targets": [f"dispute:{d.number}:party:{p.pk}" for p in prefill["parties"]],
            "raisable": d.state == DisputeState.FAILED
            and not d.petition_id
            and not (d.data or {}).get("raised_petition"),
        }

    @staticmethod
    def raise_petition(*, actor, source_id, registration: dict):
        """Register the petition and note it on the dispute, in one transaction."""
        return services.petition_raise(actor=actor, dispute_id=source_id, registration=registration)
