"""What the mediation area adds to other pages: the mediator's start-page panel and
the mediation card on a petition's page (优先调解, both timelines linked)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from xinfang.core import calendar
from xinfang.orgs.models import Role
from xinfang.orgs.selectors import memberships_of

from . import forms_cases, selectors
from . import permissions as mperms
from .models import OPEN_DISPUTE_STATES


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


def petition_panel(user, petition) -> dict:
    """The mediation card on a petition's page: its disputes with their events (the
    ones it was diverted to, and the failed one it was raised from), and the
    diversion form for the petition's dispatcher or handler."""
    from xinfang.petitions.diversion import (
        ACCUSATION_NOT_DIVERTED,
        DIVERTIBLE_STATES,
        is_accusation,
    )

    disputes = selectors.disputes_of_petition(user=user, petition=petition)
    may_act = user.is_superuser or mperms.may_act_on_petition(user, petition)
    in_mediation = any(d.state in OPEN_DISPUTE_STATES for d in disputes)
    could_divert = may_act and petition.state in DIVERTIBLE_STATES and not in_mediation
    # An accusation is not mediated (law key accusation_confidential): no control, the reason instead.
    refused = ACCUSATION_NOT_DIVERTED if could_divert and is_accusation(petition) else None
    may_divert = could_divert and refused is None
    if not disputes and not may_divert and refused is None:
        return {}
    from .views_cases import EVENT_LABELS

    return {
        "disputes": [
            {
                "d": d,
                "raised": (d.data or {}).get("raised_petition") == petition.pk,
                "events": [
                    {"event": e, "label": EVENT_LABELS.get(e.action, e.action)}
                    for e in d.events.all()
                ],
            }
            for d in disputes
        ],
        "form": forms_cases.DivertForm(prefix="divert") if may_divert else None,
        "refused": refused,
    }
