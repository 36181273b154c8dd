"""The petitions panel on the staff start pages: what waits, by colour."""

from django.urls import reverse
from django.utils.translation import gettext as _

from xinfang.orgs.models import Role

from . import selectors

WORKLIST_ROLES = {
    Role.CLERK,
    Role.DISPATCHER,
    Role.HANDLER,
    Role.UNIT_HEAD,
    Role.SUPERVISOR,
    Role.LEADER,
}


def start_panel(request, role):
    if role not in WORKLIST_ROLES:
        return None
    counts = selectors.colour_counts(selectors.worklist(user=request.user))
    links = [(_("Open the worklist"), reverse("petitions:worklist"))]
    if role == Role.CLERK:
        links.insert(0, (_("Register a matter"), reverse("petitions:register")))
    if role == Role.SUPERVISOR:
        links.append((_("Supervision"), reverse("petitions:supervision")))
    lines = [
        (_("Red: overdue or listed red"), counts["red"]),
        (_("Yellow: due soon"), counts["yellow"]),
        (_("Blue: on schedule"), counts["blue"]),
    ]
    # 签发: written answers waiting for the unit head, drafts sent back to the handler.
    if role == Role.UNIT_HEAD:
        lines.append(
            (
                _("Written answers waiting for your approval"),
                selectors.drafts_awaiting_approval(request.user).count(),
            )
        )
    if role == Role.HANDLER:
        lines.append(
            (
                _("Your drafts sent back for revision"),
                selectors.drafts_sent_back(request.user).count(),
            )
        )
    return {"title": _("Waiting for you"), "lines": lines, "links": links}
