"""Who reads and who writes the monthly reports (月度信访形势分析).

Reading: the dashboard's rule (permissions.readable_units): a user reads the
reports of the units whose figures they read, a township's only its own; any
other report is a 404. Writing (drawing up a draft, editing its commentary,
issuing it): a leader (领导) whose membership reaches the unit, or the petition
office serving its territory (its supervisors); an analyst, and an administrator
without such a membership, read only.
"""

from __future__ import annotations

from django.db.models import QuerySet

from xinfang.core.exceptions import NotFound
from xinfang.orgs.models import Membership, Role, Unit, UnitKind, UnitLink

from .models import MonthlyReport
from .permissions import readable_units

WRITERS = (Role.LEADER, Role.SUPERVISOR)


def visible_reports(user) -> QuerySet[MonthlyReport]:
    return MonthlyReport.objects.filter(unit__in=readable_units(user)).select_related("unit")


def report_get(*, user, pk) -> MonthlyReport:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    report = visible_reports(user).filter(pk=pk).first()
    if report is None:
        raise NotFound()
    return report


def _writable(user) -> QuerySet[Unit]:
    # Not the administrator as such: they see every matter, accusations included,
    # and the report is the unit's own document (monthly.py); they read it.
    readable = readable_units(user)
    roots = set()
    for m in Membership.objects.filter(user=user, role__in=WRITERS).select_related("unit"):
        roots.add(m.unit_id)
        if m.unit.kind == UnitKind.PETITION_OFFICE and m.unit.parent_id:
            roots.add(m.unit.parent_id)
    below = UnitLink.objects.filter(ancestor_id__in=roots).values("descendant_id")
    return readable.filter(pk__in=below)


def may_write(user, unit: Unit) -> bool:
    return _writable(user).filter(pk=unit.pk).exists()


def writable_units(user) -> QuerySet[Unit]:
    """The territorial units the user may draw reports up for (the form's choices)."""
    return _writable(user).filter(kind=UnitKind.TERRITORIAL).order_by("depth", "code")
