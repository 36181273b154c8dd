"""Who reads the figures, and of which units.

The right is orgs' "read_analytics" (analysts, leaders, supervisors). A user reads
the figures of the units their memberships with that right reach (their unit and
everything below it); a member of a petition office reads those of the territory
the office serves (the unit the office sits in), as the office's leaders read the
city's. The figures themselves are always counted over the matters the user may
see (petitions.selectors.visible_petitions): a unit they may read never shows a
matter they may not see, an accusation against their own unit least of all.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from xinfang.orgs import permissions as org_permissions
from xinfang.orgs.models import Unit, UnitKind, UnitLink

ACTION = "read_analytics"


def may_read(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return org_permissions.is_administrator(user) or bool(
        org_permissions.member_unit_ids(user, ACTION)
    )


def readable_units(user) -> QuerySet[Unit]:
    """The units whose figures the user may ask for (no figure, no unit: none)."""
    if not may_read(user):
        return Unit.objects.none()
    if org_permissions.is_administrator(user):
        return Unit.objects.all()
    own = org_permissions.member_unit_ids(user, ACTION)
    served = Unit.objects.filter(
        pk__in=list(own), kind=UnitKind.PETITION_OFFICE, parent__isnull=False
    ).values_list("parent_id", flat=True)
    roots = set(own) | set(served)
    return Unit.objects.filter(
        Q(pk__in=UnitLink.objects.filter(ancestor_id__in=roots).values("descendant_id"))
    )


def home_unit(user) -> Unit | None:
    """The unit a dashboard opens on: the highest the user reads (the city for the
    city's leader, the township for a township's)."""
    return readable_units(user).filter(kind=UnitKind.TERRITORIAL).order_by("depth", "code").first()
