"""What the mediation services share: the day, numbers, where a dispute goes,
and the checks of what the user typed."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from xinfang.core import calendar, numbering
from xinfang.core.exceptions import InvalidInput
from xinfang.orgs.models import Level, Unit, UnitKind
from xinfang.orgs.selectors import unit_above

from .. import selectors
from ..models import Dispute, DisputeType

ROUTES_TOLD = ("arbitration", "administrative", "judicial")  # law key mediation_stop


def today() -> dt.date:
    return calendar.today()


def next_number(kind: str, territory: Unit, year: int) -> str:
    """Gap-free numbers per kind (e.g. "TJ" dispute, "AJ" case), territory and year
    (core.numbering)."""
    return numbering.next_number(f"{kind}-{territory.code}-{year}", width=5)


def township_of(place: Unit) -> Unit | None:
    """The township at or above a territorial place (None for the city itself)."""
    return unit_above(place, kind=UnitKind.TERRITORIAL, level=Level.TOWNSHIP)


def city_of(place: Unit) -> Unit:
    return unit_above(place, kind=UnitKind.TERRITORIAL, level=Level.CITY) or place


def centre_at(place: Unit, level: str) -> Unit | None:
    """The mediation centre of `level` over the territory where `place` lies
    (the village's room, the township's centre, the city's centre)."""
    territory = unit_above(place, kind=UnitKind.TERRITORIAL, level=level)
    if territory is None:
        return None
    return (
        Unit.objects.filter(
            kind=UnitKind.MEDIATION_CENTRE, level=level, is_active=True, parent=territory
        )
        .order_by("sort_order", "code")
        .first()
    )


def committee_for(place: Unit, dispute_type: str) -> Unit | None:
    """The professional committee (专业调解委员会) of the dispute's type in the city."""
    mtype = DisputeType.committee_type(dispute_type)
    if not mtype:
        return None
    return (
        Unit.objects.filter(
            kind=UnitKind.MEDIATION_COMMITTEE,
            mediation_type=mtype,
            is_active=True,
            ancestor_links__ancestor=city_of(place),
        )
        .order_by("sort_order", "code")
        .first()
    )


def body_for(d: Dispute, *, to: str = "centre") -> Unit:
    """Where a dispute goes by default: the centre of the level where it arose
    (小事不出村、大事不出乡), or the professional committee of its type."""
    if to == "committee":
        body = committee_for(d.place, d.type)
        if body is None:
            raise InvalidInput(
                field_errors={"to": [_("No professional committee handles this type.")]}
            )
        return body
    body = centre_at(d.place, d.current_level or d.arose_level) or centre_at(d.place, d.arose_level)
    if body is None:
        raise InvalidInput(
            field_errors={"body": [_("No mediation centre is set up at this level.")]}
        )
    return body


def check_body(d: Dispute, body: Unit) -> None:
    if body.pk not in {b.pk for b in selectors.bodies_for(d.place)}:
        raise InvalidInput(
            field_errors={
                "body": [_("Choose a mediation centre or committee over the place of the dispute.")]
            }
        )


def required(value, field: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(field_errors={field: [message]})
    return value


def names(values) -> list[str]:
    if isinstance(values, str):
        values = values.replace("，", ",").replace("、", ",").split(",")
    found = [str(v).strip() for v in (values or []) if str(v).strip()]
    return list(dict.fromkeys(found))


def one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def not_before(value: dt.date, floor: dt.date, field: str, message) -> None:
    """A date of the agreement's afterlife: on or after `floor`, and not in the future."""
    if value > today():
        raise InvalidInput(field_errors={field: [_("This date is in the future.")]})
    if value < floor:
        raise InvalidInput(field_errors={field: [message % {"date": floor.isoformat()}]})
