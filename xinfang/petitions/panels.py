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
        links.insert(1, (_("Reception window"), reverse("petitions:window")))
    if role == Role.SUPERVISOR:
        links.append((_("Supervision"), reverse("petitions:supervision")))
    return {
        "title": _("Waiting for you"),
        "lines": [
            (_("Red: overdue or listed red"), counts["red"]),
            (_("Yellow: due soon"), counts["yellow"]),
            (_("Blue: on schedule"), counts["blue"]),
        ],
        "links": links,
    }
