"""The mediation network's numbers, per unit and period, drillable by level and type.

Every figure is over the disputes the user may see (selectors.visible_disputes)
received in the period, at or below the chosen unit:
- screened: found by the villages' daily screening; received: all sources;
- settled, and the settlement rate (settled / closed, one decimal: 98.3%): a
  dispute still open is neither a success nor a failure yet;
- settled at the level where they arose ("小事不出村、大事不出乡");
- average days from receipt to settlement;
- agreements, and those whose every term is performed (回访);
- judicial confirmations applied for and confirmed (司法确认).

A breakdown is one grouped query for the disputes and one for their agreements,
whatever the number of rows (no N+1; see test_stats).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils.translation import gettext as _

from xinfang.core import calendar
from xinfang.core.exceptions import InvalidInput, NotFound
from xinfang.core.inputs import optional_date, optional_id
from xinfang.orgs import permissions
from xinfang.orgs.models import Level, Unit, UnitKind, UnitLink

from . import selectors
from .models import (
    OPEN_DISPUTE_STATES,
    Agreement,
    AgreementTerm,
    Dispute,
    DisputeState,
    DisputeType,
    Source,
)
from .permissions import township_ids_for

GROUPS = {
    "level": ("arose_level", "case__dispute__arose_level"),
    "type": ("type", "case__dispute__type"),
    "township": ("township_id", "case__dispute__township_id"),
}


@dataclass
class Figures:
    key: str = ""
    label: str = ""
    screened: int = 0
    received: int = 0
    closed: int = 0
    settled: int = 0
    settled_where_arose: int = 0
    avg_days_to_settle: float | None = None
    agreements: int = 0
    agreements_performed: int = 0
    judicial_applied: int = 0
    judicial_confirmed: int = 0

    @property
    def rate(self) -> Decimal | None:
        """Settled / closed (settled, failed or withdrawn) in per cent, one decimal,
        rounded half up. Open disputes are not counted as failures."""
        if not self.closed:
            return None
        return (Decimal(self.settled) * 100 / Decimal(self.closed)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def where_arose_rate(self) -> Decimal | None:
        if not self.settled:
            return None
        return (Decimal(self.settled_where_arose) * 100 / Decimal(self.settled)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "screened": self.screened,
            "received": self.received,
            "closed": self.closed,
            "settled": self.settled,
            "settlement_rate": str(self.rate) if self.rate is not None else None,
            "settled_where_arose": self.settled_where_arose,
            "settled_where_arose_rate": (
                str(self.where_arose_rate) if self.where_arose_rate is not None else None
            ),
            "avg_days_to_settle": self.avg_days_to_settle,
            "agreements": self.agreements,
            "agreements_performed": self.agreements_performed,
            "judicial_confirmations": {
                "applied": self.judicial_applied,
                "confirmed": self.judicial_confirmed,
            },
        }


@dataclass
class Report:
    unit: Unit | None
    date_from: dt.date
    date_to: dt.date
    level: str
    type: str
    total: Figures
    by_level: list[Figures] = field(default_factory=list)
    by_type: list[Figures] = field(default_factory=list)
    by_township: list[Figures] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "unit": {"id": self.unit.pk, "name": self.unit.name} if self.unit else None,
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "level": self.level or None,
            "type": self.type or None,
            "total": self.total.as_dict(),
            "by_level": [f.as_dict() for f in self.by_level],
            "by_type": [f.as_dict() for f in self.by_type],
            "by_township": [f.as_dict() for f in self.by_township],
        }


def _dispute_aggregates() -> dict:
    settled = Q(state=DisputeState.SETTLED)
    return {
        "received": Count("pk"),
        "screened": Count("pk", filter=Q(source=Source.SCREENING)),
        "settled": Count("pk", filter=settled),
        "closed": Count("pk", filter=~Q(state__in=OPEN_DISPUTE_STATES)),
        "settled_where_arose": Count("pk", filter=settled & Q(settled_level=F("arose_level"))),
        "avg_days": Avg(
            ExpressionWrapper(F("settled_on") - F("received_on"), output_field=DurationField()),
            filter=settled,
        ),
    }


def _agreement_aggregates() -> dict:
    unperformed = AgreementTerm.objects.filter(agreement=OuterRef("pk"), performed_on__isnull=True)
    return {
        "agreements": Count("pk"),
        "performed": Count("pk", filter=~Q(Exists(unperformed))),
        "applied": Count("pk", filter=Q(judicial_confirmation__applied_on__isnull=False)),
        "confirmed": Count("pk", filter=Q(judicial_confirmation__ruling="confirmed")),
    }


def _days(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, dt.timedelta):
        return round(value.total_seconds() / 86400, 1)
    return round(float(value), 1)


def _figures(row: dict, agreements: dict | None, key="", label="") -> Figures:
    a = agreements or {}
    return Figures(
        key=str(key or ""),
        label=str(label or ""),
        screened=row.get("screened") or 0,
        received=row.get("received") or 0,
        closed=row.get("closed") or 0,
        settled=row.get("settled") or 0,
        settled_where_arose=row.get("settled_where_arose") or 0,
        avg_days_to_settle=_days(row.get("avg_days")),
        agreements=a.get("agreements") or 0,
        agreements_performed=a.get("performed") or 0,
        judicial_applied=a.get("applied") or 0,
        judicial_confirmed=a.get("confirmed") or 0,
    )


def _grouped(disputes: QuerySet, by: str, labels) -> list[Figures]:
    dispute_key, agreement_key = GROUPS[by]
    rows = disputes.order_by().values(dispute_key).annotate(**_dispute_aggregates())
    agreements = {
        r[agreement_key]: r
        for r in Agreement.objects.filter(case__dispute__in=disputes.order_by().values("pk"))
        .values(agreement_key)
        .annotate(**_agreement_aggregates())
        .order_by()
    }
    out = [
        _figures(r, agreements.get(r[dispute_key]), r[dispute_key], labels(r[dispute_key]))
        for r in rows
    ]
    return out


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """This year, from 1 January to today."""
    today = today or calendar.today()
    return dt.date(today.year, 1, 1), today


def stats_scope(user) -> QuerySet[Dispute]:
    """The disputes whose figures the user reads: those they may see, and every
    dispute of the townships whose ledger they read (the ledger and the statistics
    count the same townships)."""
    townships = township_ids_for(user, "read_ledger")
    visible = selectors.visible_disputes(user)
    if not townships:
        return visible
    return Dispute.objects.filter(
        Q(pk__in=visible.order_by().values("pk")) | Q(township_id__in=townships)
    )


def stats_units(user) -> QuerySet[Unit]:
    """The units the user may drill into: those they see, the townships whose ledger
    they read, and the territorial units above either (the 按乡镇 rows of a village's
    liaison or a mediator name the township above them)."""
    townships = township_ids_for(user, "read_ledger")
    inside = set(townships) | set(permissions.member_unit_ids(user))
    # The figures stay those of stats_scope: a unit above the user's only narrows them.
    return Unit.objects.filter(
        Q(pk__in=permissions.visible_units(user).values("pk"))
        | Q(pk__in=townships)
        | Q(
            kind=UnitKind.TERRITORIAL,
            pk__in=UnitLink.objects.filter(descendant_id__in=inside).values("ancestor_id"),
        )
    )


def scoped_disputes(
    *,
    user,
    unit: Unit | None,
    date_from: dt.date,
    date_to: dt.date,
    level: str = "",
    type: str = "",
) -> QuerySet[Dispute]:
    qs = stats_scope(user).filter(received_on__range=(date_from, date_to))
    if unit is not None:
        qs = qs.filter(place_id__in=UnitLink.objects.filter(ancestor=unit).values("descendant_id"))
    if level:
        qs = qs.filter(arose_level=level)
    if type:
        qs = qs.filter(type=type)
    return qs


def report(
    *,
    user,
    unit: Unit | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    level: str = "",
    type: str = "",
) -> Report:
    """The figures for the unit (None: all the user sees) and period, with the
    breakdowns by level where the disputes arose, by type and by township."""
    default_from, default_to = default_period()
    date_from = date_from or default_from
    date_to = date_to or default_to
    disputes = scoped_disputes(
        user=user, unit=unit, date_from=date_from, date_to=date_to, level=level, type=type
    )
    total_row = disputes.order_by().aggregate(**_dispute_aggregates())
    total_agreements = (
        Agreement.objects.filter(case__dispute__in=disputes.order_by().values("pk"))
        .order_by()
        .aggregate(**_agreement_aggregates())
    )
    level_order = {Level.VILLAGE: 0, Level.TOWNSHIP: 1, Level.CITY: 2}
    by_level = sorted(
        _grouped(disputes, "level", lambda v: Level(v).label if v in Level.values else v),
        key=lambda f: level_order.get(f.key, 9),
    )
    by_type = sorted(
        _grouped(
            disputes, "type", lambda v: DisputeType(v).label if v in DisputeType.values else v
        ),
        key=lambda f: -f.received,
    )
    by_township = _grouped(disputes, "township", lambda v: v)
    names = dict(
        Unit.objects.filter(pk__in=[int(f.key) for f in by_township if f.key]).values_list(
            "pk", "name"
        )
    )
    for f in by_township:
        f.label = names.get(int(f.key), "") if f.key else ""
    by_township.sort(key=lambda f: -f.received)
    return Report(
        unit=unit,
        date_from=date_from,
        date_to=date_to,
        level=level,
        type=type,
        total=_figures(total_row, total_agreements),
        by_level=by_level,
        by_type=by_type,
        by_township=by_township,
    )


# --- the query of the page and the API -----------------------------------------------------

NO_FILTERS = {"unit": None, "date_from": None, "date_to": None, "level": "", "type": ""}


def read_query(user, params) -> tuple[dict, dict]:
    """The report's filters from query parameters (page and API alike), and the
    errors of the bad ones ({field: [message]}); a unit the user cannot see → 404."""
    errors: dict[str, list] = {}
    dates = {}
    for name in ("from", "to"):
        try:
            value = optional_date(params.get(name), name)
        except InvalidInput as exc:
            errors.update(exc.field_errors)
        else:
            if value is not None:
                dates[name] = value
    level, dtype = params.get("level") or "", params.get("type") or ""
    if level and level not in Level.values:
        errors["level"] = [_("Unknown level.")]
    if dtype and dtype not in DisputeType.values:
        errors["type"] = [_("Unknown type.")]
    unit = None
    try:
        unit_id = optional_id(params.get("unit"), "unit")
    except InvalidInput as exc:
        errors.update(exc.field_errors)
    else:
        if unit_id is not None:
            unit = stats_units(user).filter(pk=unit_id).first()
            if unit is None:
                raise NotFound()
    if not errors and dates.get("from") and dates.get("to") and dates["from"] > dates["to"]:
        errors["from"] = [_("The start is after the end.")]
    filters = {
        "unit": unit,
        "date_from": dates.get("from"),
        "date_to": dates.get("to"),
        "level": level,
        "type": dtype,
    }
    return filters, errors


def stats_from_query(user, params) -> Report:
    """The report for query parameters: bad values → 400, a unit the user cannot see → 404."""
    filters, errors = read_query(user, params)
    if errors:
        raise InvalidInput(field_errors=errors)
    return report(user=user, **filters)
