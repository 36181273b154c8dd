"""What hearings add to a matter's page (petitions.registry.MATTER_PANELS key
"hearings", registered in apps.py): the matter's hearings and the way to
schedule one."""

from __future__ import annotations

from xinfang.petitions.models import OPEN_STATES, State

from . import permissions as policy
from . import selectors
from .models import HearingState


def matter_panel(request, petition):
    hearings = selectors.hearings_of(user=request.user, petition=petition)
    scheduled = any(h.state == HearingState.SCHEDULED for h in hearings)
    in_re_review = petition.state == State.UNDER_RE_REVIEW
    may_schedule = (
        not scheduled
        and petition.state in OPEN_STATES
        and policy.may_hold_hearing(request.user, petition)
        and (not in_re_review or policy.may_pause_for_hearing(request.user, petition))
    )
    if not hearings and not may_schedule:
        return None
    return {
        "template": "leadership/_hearing_panel.html",
        "hearings": {"list": hearings, "may_schedule": may_schedule, "in_re_review": in_re_review},
        "p": petition,
    }
