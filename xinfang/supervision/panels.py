"""What the supervision area adds to other pages: the supervisor's start panel
(listed matters by colour, links to the board). Registered in apps.py through
orgs.roles.register_start_panel."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from xinfang.orgs.models import Role

from . import selectors


def start_panel(request, role):
    """The supervisor's start page: listed matters by colour, and the board."""
    if role != Role.SUPERVISOR:
        return None
    totals = selectors.counts(user=request.user)
    board = reverse("supervision:board")
    return {
        "title": _("Listed supervision"),
        "lines": [
            (_("Listed red"), totals["red"]),
            (_("Listed yellow"), totals["yellow"]),
            (_("Listed blue"), totals["blue"]),
        ],
        "links": [
            (_("Supervision board"), board),
            (_("Red listed matters"), board + "?colour=red"),
            (_("List a matter"), reverse("supervision:new")),
        ],
    }


def listing_page(petition) -> str:
    """Where a matter is listed and chased: its listing in force, or the form to
    list it (views.for_matter decides, for the user who follows the link)."""
    return reverse("supervision:for_matter", args=[petition.pk])


def escalated_red_units(office, *, start, end) -> list[str]:
    """For the weekly bulletin (leadership.registry.BULLETIN_ESCALATIONS): the units
    whose listings under `office` the ladder turned red between `start` and `end`."""
    return selectors.escalated_red_units(office=office, start=start, end=end)
