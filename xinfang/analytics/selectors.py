"""What the figures count, for a user: the query (unit and period) from the page's
or the API's parameters, the matters in scope through the petitions' visibility,
and the matters behind one figure (the drill-down lists exactly what it counts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from xinfang.core import calendar
from xinfang.core.exceptions import InvalidInput, NotFound
from xinfang.core.inputs import optional_date, optional_id
from xinfang.orgs.models import Level, Unit, UnitKind, UnitLink
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import visible_petitions

from . import periods
from .permissions import home_unit, readable_units

GROUP_FROM = 5  # people: a group petition (集体访) from five people up, or flagged collective


@dataclass(frozen=True)
class Query:
    unit: Unit
    period: periods.Period

    def params(self) -> dict:
        return {
            "unit": self.unit.pk,
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
        }


def read_query(user, params) -> Query:
    """The unit and period from ?unit=&period=&on= or ?unit=&from=&to= (default: the
    user's home unit, this year). A unit the user may not read → 404; bad values → 400."""
    errors: dict[str, list] = {}
    unit_id = None
    try:
        unit_id = optional_id(params.get("unit"), "unit")
    except InvalidInput as exc:
        errors.update(exc.field_errors)
    units = readable_units(user)
    unit = units.filter(pk=unit_id).first() if unit_id else home_unit(user)
    if unit is None:
        raise NotFound()
    dates = {}
    for name in ("on", "from", "to"):
        try:
            dates[name] = optional_date(params.get(name), name)
        except InvalidInput as exc:
            errors.update(exc.field_errors)
    kind = (params.get("period") or "").strip()
    if kind and kind not in periods.KINDS:
        errors["period"] = [_("Choose a week, month, quarter, year or range.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    if dates.get("from") or dates.get("to") or kind == "range":
        today = calendar.today()
        start = dates.get("from") or dt.date(today.year, 1, 1)
        end = dates.get("to") or today
        if start > end:
            raise InvalidInput(field_errors={"from": [_("The start is after the end.")]})
        return Query(unit, periods.Period("range", start, end))
    return Query(unit, periods.bounds(kind or "year", dates.get("on") or calendar.today()))


def subtree(unit: Unit) -> list[int]:
    return list(UnitLink.objects.filter(ancestor=unit).values_list("descendant_id", flat=True))


def in_unit(unit: Unit) -> Q:
    """A matter belongs to a unit's figures when the problem arose in it or below
    (its place), or it is handled there (its responsible unit)."""
    ids = subtree(unit)
    return Q(place_id__in=ids) | Q(responsible_unit_id__in=ids)


def scope(user, unit: Unit, start: dt.date, end: dt.date) -> QuerySet[Petition]:
    """The matters one figure counts: received in the period, of the unit, that the
    user may see; a matter merged into another counts once, as the other."""
    return (
        visible_petitions(user)
        .filter(in_unit(unit), received_on__gte=start, received_on__lte=end)
        .filter(merged_into__isnull=True)
    )


def township_of(place_ids) -> dict[int, int]:
    """place id → the township it lies in (itself for a township)."""
    return dict(
        UnitLink.objects.filter(
            descendant_id__in=list(place_ids),
            ancestor__level=Level.TOWNSHIP,
            ancestor__kind=UnitKind.TERRITORIAL,
        ).values_list("descendant_id", "ancestor_id")
    )


NONE = "none"


def dimension_q(by: str, key: str) -> Q:
    """The matters of one row of a volume table (see indicators.DIMENSIONS)."""
    if by in ("channel", "purpose"):
        return Q(**{by: key})
    if by == "flag":
        flags = {
            "group": Q(people_count__gte=GROUP_FROM) | Q(collective=True),
            "cross_level": Q(cross_level=True),
            "repeat": Q(repeat=True),
            "all": Q(),
        }
        return flags[key] if key in flags else _bad("key")
    if by == "township" and key == NONE:
        return ~Q(
            place_id__in=UnitLink.objects.filter(
                ancestor__level=Level.TOWNSHIP, ancestor__kind=UnitKind.TERRITORIAL
            ).values("descendant_id")
        )
    if by == "unit" and key == NONE:
        return Q(responsible_unit__isnull=True)
    pk = optional_id(key, "key")
    if pk is None:
        _bad("key")
    if by == "category1":
        return Q(category_id=pk, category__parent__isnull=True) | Q(category__parent_id=pk)
    if by == "category":
        return Q(category_id=pk)
    if by == "township":
        return Q(place_id__in=UnitLink.objects.filter(ancestor_id=pk).values("descendant_id"))
    if by == "unit":
        return Q(responsible_unit_id=pk)
    return _bad("by")


def _bad(field: str):
    raise InvalidInput(field_errors={field: [_("Unknown value.")]})


def matters_behind(user, query: Query, *, by: str, key: str) -> QuerySet[Petition]:
    """The drill-down: the very matters a volume figure counts."""
    q = dimension_q(by, key)
    return (
        scope(user, query.unit, query.period.start, query.period.end)
        .filter(q)
        .select_related("category", "place", "responsible_unit")
        .order_by("-received_on", "-pk")
    )


def child_units(unit: Unit) -> QuerySet[Unit]:
    """The units one step below, for the league table and the drill-down."""
    return Unit.objects.filter(parent=unit, is_active=True).order_by("code")
