"""What each role's start page offers: the role's duties from DOMAIN.md section 1."""

from django.utils.translation import gettext_lazy as _

from .models import Role

ROLE_DUTIES = {
    Role.CLERK: [
        _("Register letters, visits and phone calls at the reception centre."),
        _("Give the petitioner the matter's number and query code."),
    ],
    Role.DISPATCHER: [
        _("Check new matters and forward or assign them within 15 days."),
        _("Verify that concluded matters were really resolved."),
    ],
    Role.HANDLER: [
        _("Sign for or return forwarded matters."),
        _("Decide acceptance within 15 days and answer within 60 days."),
    ],
    Role.UNIT_HEAD: [
        _("Approve extensions of at most 30 days."),
        _("Sign the unit's replies."),
    ],
    Role.SUPERVISOR: [
        _("List matters red, yellow or blue and chase them."),
        _("Issue the weekly bulletin."),
    ],
    Role.LEADER: [
        _("Own hard cases, each with its plan."),
        _("Receive petitioners and visit down."),
    ],
    Role.LIAISON: [
        _("Report each day's screening of disputes in the village."),
        _("Pass up what cannot be settled on the spot the same day."),
    ],
    Role.MEDIATOR: [
        _("Run mediation sessions and keep their records."),
        _("Draft agreements and follow up their performance."),
    ],
    Role.ANALYST: [
        _("Read the indicators, hotspots and reports."),
    ],
}


# Panels other areas add to the start pages: callables (request, role) -> dict or
# None, with keys "title", "lines" (list of (label, value)), "links" (list of
# (label, url)). Registered in each area's AppConfig.ready(), so that orgs needs
# to know nothing of the areas built on it.
START_PANELS: list = []


def register_start_panel(panel):
    if panel not in START_PANELS:
        START_PANELS.append(panel)
    return panel
