"""The choices the staff forms offer: places, categories, units."""

from __future__ import annotations

from itertools import groupby

from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import Unit, UnitKind, with_township
from xinfang.orgs.selectors import unit_above

from ..models import (
    Category,
)

# --- choices ------------------------------------------------------------------------


def territory_of(unit: Unit) -> Unit:
    """The nearest territorial unit at or above `unit` (a reception centre's city)."""
    return unit_above(unit, kind=UnitKind.TERRITORIAL) or unit


def place_choices(territory: Unit) -> list:
    """Territorial units of the territory, one <optgroup> per township."""
    units = list(
        Unit.objects.filter(
            kind=UnitKind.TERRITORIAL, is_active=True, ancestor_links__ancestor=territory
        ).order_by("depth", "sort_order", "code")
    )
    heads = {u.pk: u for u in units if u.parent_id == territory.pk}
    groups: dict[int, list] = {pk: [(pk, head.name)] for pk, head in heads.items()}
    for u in units:
        if u.pk != territory.pk and u.pk not in heads and u.parent_id in groups:
            groups[u.parent_id].append((u.pk, with_township(u.name, heads[u.parent_id].name)))
    return [(territory.pk, territory.name)] + [
        (heads[pk].name, options) for pk, options in groups.items()
    ]


def category_choices(*, whole_branches: bool = False) -> list:
    """Second-level categories grouped by the first level (<optgroup>); with
    `whole_branches` (filters) the first level itself is offered too."""
    rows = Category.objects.filter(is_active=True).select_related("parent")
    tops = {c.pk: c for c in rows if c.parent_id is None}
    leaves = sorted(
        (c for c in rows if c.parent_id in tops),
        key=lambda c: (tops[c.parent_id].sort_order, tops[c.parent_id].code, c.sort_order, c.code),
    )
    choices = []
    for parent_id, children in groupby(leaves, key=lambda c: c.parent_id):
        top = tops[parent_id]
        options = [(c.pk, c.name) for c in children]
        if whole_branches:
            options.insert(0, (top.pk, _("All of “%(name)s”") % {"name": top.name}))
        choices.append((top.name, options))
    return choices


def responsible_unit_choices(territory: Unit, *, accused: Unit | None = None) -> list:
    """The units a matter is forwarded to: the townships and departments of the
    territory; never, for an accusation, the accused unit or one under it."""
    units = Unit.objects.filter(
        parent=territory,
        kind__in=[UnitKind.TERRITORIAL, UnitKind.DEPARTMENT],
        is_active=True,
    ).order_by("kind", "sort_order", "code")
    if accused is not None:
        units = units.exclude(ancestor_links__ancestor=accused)
    groups = {UnitKind.TERRITORIAL: [], UnitKind.DEPARTMENT: []}
    for u in units:
        groups[u.kind].append((u.pk, u.name))
    return [(UnitKind(kind).label, options) for kind, options in groups.items() if options]


def accused_unit_choices(territory: Unit) -> list:
    units = Unit.objects.filter(
        ancestor_links__ancestor=territory,
        kind__in=[UnitKind.TERRITORIAL, UnitKind.DEPARTMENT, UnitKind.PETITION_OFFICE],
        is_active=True,
    ).order_by("kind", "depth", "sort_order", "code")
    units = units.select_related("parent")
    choices = []
    for kind, group in groupby(units, key=lambda u: u.kind):
        choices.append((UnitKind(kind).label, [(u.pk, u.name_with_township) for u in group]))
    return choices


def blank(label) -> list:
    return [("", label)]
