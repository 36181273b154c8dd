"""What leaders' receptions add to the start pages (orgs.roles.register_start_panel,
registered in apps.py): the leader's and the reception centre's calendar."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from xinfang.core import calendar
from xinfang.orgs.models import Role, UnitKind
from xinfang.orgs.selectors import memberships_of

from . import selectors
from .models import ReceptionState


def _at_reception_centre(user) -> bool:
    return any(
        m.role in (Role.CLERK, Role.DISPATCHER)
        and m.unit.kind in (UnitKind.RECEPTION_CENTRE, UnitKind.PETITION_OFFICE)
        for m in memberships_of(user)
    )


def start_panel(request, role):
    """The leader's and the reception centre's start page: the next receptions on
    the calendar and this month's held ones."""
    user = request.user
    centre = role in (Role.CLERK, Role.DISPATCHER) and _at_reception_centre(user)
    if role != Role.LEADER and not centre:
        return None
    today = calendar.today()
    start, end = selectors.month_bounds(today.year, today.month)
    upcoming = list(selectors.upcoming_for(user)[:3])
    if role == Role.LEADER:
        own = list(selectors.upcoming_for(user).filter(leader=user)[:3])
        upcoming = own or upcoming
    held = selectors.reception_list(
        user=user, date_from=start, date_to=end, state=ReceptionState.HELD
    ).count()
    lines = [
        (
            f"{r.on:%Y-%m-%d} {r.leader_name}",
            f"{r.get_kind_display()} · {r.unit.name_with_township}",
        )
        for r in upcoming
    ] or [(_("Next receptions"), _("None on the calendar"))]
    lines.append((_("Held this month"), held))
    links = [
        (_("Reception calendar"), reverse("leadership:receptions")),
        (_("Reception statistics"), reverse("leadership:reception_stats")),
        (_("Behind this month"), reverse("leadership:reception_behind")),
    ]
    return {"title": _("Leaders' receptions"), "lines": lines, "links": links}
