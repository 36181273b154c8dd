"""What case ownership adds to other areas' pages, through their registries
(registered in apps.py): the leader's start-page panel and the plan's card on a
matter's page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from xinfang.core import calendar
from xinfang.orgs.models import Role
from xinfang.petitions.models import OPEN_STATES

from . import permissions as policy
from . import selectors
from .models import PlanState


def start_panel(request, role):
    """The leader's start page: the matters they own, overdue, resolved."""
    if role != Role.LEADER:
        return None
    today = calendar.today()
    plans = selectors.plans_owned_by(request.user, today=today)
    active = [p for p in plans if p.state == PlanState.ACTIVE]
    return {
        "title": _("Matters I own (领导包案)"),
        "lines": [
            (_("In hand"), len(active)),
            (_("Past the target date"), sum(1 for p in active if p.overdue)),
            (
                _("Resolved this year"),
                sum(1 for p in plans if p.resolved_on and p.resolved_on.year == today.year),
            ),
        ],
        "links": [
            (_("Matters I own"), reverse("leadership:my_plans")),
            (_("Ownership statistics"), reverse("leadership:ownership_stats")),
        ],
    }


def matter_panel(request, petition):
    """The plan on the matter's page, or the way to own it with one."""
    plan = selectors.plan_of(user=request.user, petition=petition)
    may_own = (
        plan is None
        and petition.state in OPEN_STATES
        and policy.may_assign_owner(request.user, petition)
    )
    hearings = selectors.hearings_of(user=request.user, petition=petition)
    if plan is None and not may_own and not hearings:
        return None
    return {
        "template": "leadership/_ownership_panel.html",
        "ownership": {
            "plan": plan,
            "overdue": bool(plan and plan.is_overdue(calendar.today())),
            "may_own": may_own,
            "hearings": hearings,
        },
        "p": petition,
    }
