"""What backlog campaigns add to the start page (registered in apps.py): the
running campaigns the user reads, for the office's supervisors and dispatchers
and for leaders."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from xinfang.orgs.models import Role

from .models import CampaignState
from .permissions import campaigns as policy
from .selectors import campaigns as selectors

PANEL_ROLES = (Role.SUPERVISOR, Role.DISPATCHER, Role.LEADER)


def start_panel(request, role):
    if role not in PANEL_ROLES:
        return None
    campaigns = list(selectors.campaigns_visible(request.user))
    running = [c for c in campaigns if c.state == CampaignState.RUNNING]
    if not campaigns and not policy.offices_to_run(request.user).exists():
        return None
    return {
        "title": _("Backlog campaigns (信访积案攻坚)"),
        "lines": [(c.name, selectors.listed_count(c)) for c in running[:5]]
        or [(_("Running campaigns"), 0)],
        "links": [(_("Backlog campaigns"), reverse("leadership:campaigns"))],
    }
