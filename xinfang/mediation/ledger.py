"""The township's ledger (台账) of open disputes: the selector, its filters and the
.xlsx a township clerk prints.

Every row comes through the visibility of `screening.township_ids_for`: a township's
staff see their own township's disputes, the city's see every township's. A filter
naming a township or village the user cannot see answers 404, like any other
object they may not see.
"""

from __future__ import annotations

import datetime as dt
import io

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.core import calendar, exports
from xinfang.core.exceptions import InvalidInput, NotFound
from xinfang.core.inputs import optional_date, optional_id
from xinfang.orgs.models import Level, Unit, UnitKind

from .models import (
    OPEN_DISPUTE_STATES,
    Dispute,
    DisputeParty,
    DisputeState,
    DisputeType,
    PartyRole,
    Risk,
    Source,
)
from .permissions import township_ids_for

FILTERS = (
    "township",
    "village",
    "type",
    "source",
    "risk",
    "state",
    "overdue",
    "date_from",
    "date_to",
)
OPEN_STATE_CHOICES = [(s.value, s.label) for s in OPEN_DISPUTE_STATES]


def _date(value, name: str, errors: dict):
    try:
        return optional_date(value, name)
    except InvalidInput as exc:
        errors.update(exc.field_errors)
        return None


def read_filters(*, user, raw) -> tuple[dict, dict]:
    """Query parameters as checked filter values, and the errors of the bad ones
    ({field: [message]}, for the form); a township or village the user may not
    see is a 404."""
    errors: dict[str, list[str]] = {}
    f: dict = {}
    townships = township_ids_for(user, "read_ledger")
    for name in ("township", "village"):
        try:
            value = optional_id(raw.get(name), name)
        except InvalidInput as exc:
            errors.update(exc.field_errors)
            continue
        if value is not None:
            f[name] = value
    if "township" in f and f["township"] not in townships:
        raise NotFound()
    if (
        "village" in f
        and not Unit.objects.filter(
            pk=f["village"],
            kind=UnitKind.TERRITORIAL,
            level=Level.VILLAGE,
            ancestor_links__ancestor_id__in=townships,
        ).exists()
    ):
        raise NotFound()
    for name, values in (
        ("type", DisputeType.values),
        ("source", Source.values),
        ("risk", Risk.values),
        ("state", [s.value for s in OPEN_DISPUTE_STATES]),
    ):
        value = raw.get(name)
        if value:
            if value in values:
                f[name] = value
            else:
                errors[name] = [_("Choose one of the listed values.")]
    if str(raw.get("overdue") or "").lower() in ("1", "true", "on", "yes"):
        f["overdue"] = True
    for name in ("date_from", "date_to"):
        value = _date(raw.get(name), name, errors)
        if value:
            f[name] = value
    if f.get("date_from") and f.get("date_to") and f["date_from"] > f["date_to"]:
        errors["date_to"] = [_("The end of the range is before its start.")]
    return ({}, errors) if errors else (f, {})


def parse_filters(*, user, raw) -> dict:
    """Turn query parameters into checked filter values: bad values are a 400 naming
    the field; a township or village the user may not see is a 404."""
    f, errors = read_filters(user=user, raw=raw)
    if errors:
        raise InvalidInput(field_errors=errors)
    return f


def ledger(*, user, filters: dict | None = None, today: dt.date | None = None) -> QuerySet[Dispute]:
    """Open disputes (reported, routed, in mediation) of the townships the user reads,
    the overdue first."""
    filters = filters or {}
    today = today or calendar.today()
    townships = township_ids_for(user, "read_ledger")
    if not townships:
        return Dispute.objects.none()
    qs = Dispute.objects.filter(township_id__in=townships, state__in=OPEN_DISPUTE_STATES)
    if filters.get("township"):
        qs = qs.filter(township_id=filters["township"])
    if filters.get("village"):
        qs = qs.filter(place__ancestor_links__ancestor_id=filters["village"])
    for name in ("type", "source", "risk", "state"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    if filters.get("overdue"):
        qs = qs.filter(deadline__lt=today)
    if filters.get("date_from"):
        qs = qs.filter(received_on__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(received_on__lte=filters["date_to"])
    # Overdue first (most urgent), then the newest.
    return (
        qs.select_related("place", "place__parent", "township", "body", "responsible_leader")
        .annotate(
            overdue_first=Case(
                When(deadline__lt=today, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-overdue_first", "-received_on", "-id")
    )


def with_parties(qs: QuerySet[Dispute]) -> QuerySet[Dispute]:
    # Names and roles only: the encrypted contact fields (core.crypto) would
    # each cost a decryption per party, for nothing the ledger shows.
    parties = DisputeParty.objects.only("dispute", "role", "name", "sort_order")
    return qs.prefetch_related(Prefetch("parties", queryset=parties.order_by("sort_order", "id")))


def counts(*, user, today: dt.date | None = None) -> dict:
    """Open and overdue disputes in the user's ledger (for the start page)."""
    today = today or calendar.today()
    qs = ledger(user=user, today=today)
    return {"open": qs.count(), "overdue": qs.filter(deadline__lt=today).count()}


def place_name(d: Dispute) -> str:
    if d.place.level == Level.VILLAGE and d.place.parent_id:
        return f"{d.place.parent.name} · {d.place.name}"
    return d.place.name


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def row(d: Dispute, today: dt.date) -> dict:
    """One ledger line, as the page, the API and the export show it."""
    overdue_days = (today - d.deadline).days if d.deadline and d.deadline < today else 0
    parties = list(d.parties.all()) if hasattr(d, "_prefetched_objects_cache") else []
    return {
        "dispute": d,
        "id": d.pk,
        "number": d.number,
        "received_on": d.received_on,
        "source": d.source,
        "source_label": str(Source(d.source).label),
        "type": d.type,
        "type_label": str(DisputeType(d.type).label),
        "township": d.township.name if d.township_id else "",
        "township_id": d.township_id,
        "place": place_name(d),
        "place_id": d.place_id,
        "summary": d.summary,
        "applicants": [p.name for p in parties if p.role == PartyRole.APPLICANT],
        "respondents": [p.name for p in parties if p.role == PartyRole.RESPONDENT],
        "age_days": (today - d.received_on).days,
        "risk": d.risk,
        "risk_label": str(Risk(d.risk).label),
        "responsible_leader": _person(d.responsible_leader),
        "responsible_person": d.responsible_person,
        "deadline": d.deadline,
        "overdue": overdue_days > 0,
        "overdue_days": overdue_days,
        "state": d.state,
        "state_label": str(DisputeState(d.state).label),
        "body": d.body.name if d.body_id else "",
    }


# --- the printed ledger (.xlsx) -----------------------------------------------------------

EXPORT_COLUMNS = [
    (gettext_lazy("No."), 6),
    (gettext_lazy("Number"), 22),
    (gettext_lazy("Received on"), 12),
    (gettext_lazy("Source"), 10),
    (gettext_lazy("Type"), 12),
    (gettext_lazy("Place"), 18),
    (gettext_lazy("Parties"), 18),
    (gettext_lazy("Summary"), 36),
    (gettext_lazy("Risk"), 6),
    (gettext_lazy("Days open"), 8),
    (gettext_lazy("Responsible leader"), 10),
    (gettext_lazy("Responsible person"), 10),
    (gettext_lazy("Deadline"), 12),
    (gettext_lazy("Overdue"), 10),
    (gettext_lazy("State"), 12),
    (gettext_lazy("Mediation body"), 22),
]
EXPORT_LIMIT = 20000


def title_of(*, user, filters: dict) -> str:
    """乡镇 + 矛盾纠纷排查化解台账: the township filtered on, the user's only township, or
    the city above the townships the user reads."""
    ids = (
        [filters["township"]] if filters.get("township") else township_ids_for(user, "read_ledger")
    )
    units = list(Unit.objects.filter(pk__in=ids[:2]).select_related("parent"))
    if len(ids) == 1 and units:
        name = units[0].name
    elif units and units[0].parent_id:
        name = units[0].parent.name
    else:
        name = ""
    return _("%(unit)s dispute screening and resolution ledger") % {"unit": name}


def range_text(filters: dict, today: dt.date) -> str:
    start, end = filters.get("date_from"), filters.get("date_to")
    if start and end:
        text = _("Received %(start)s to %(end)s") % {"start": start, "end": end}
    elif start:
        text = _("Received from %(start)s") % {"start": start}
    elif end:
        text = _("Received up to %(end)s") % {"end": end}
    else:
        text = _("Open disputes")
    return _("%(range)s · as of %(today)s") % {"range": text, "today": today}


def export_xlsx(*, user, filters: dict, today: dt.date | None = None) -> bytes:
    """The ledger as an A4-landscape workbook: title, range, Chinese headers frozen
    and repeated on every printed page, fitted to the page width."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    today = today or calendar.today()
    rows = [
        row(d, today)
        for d in with_parties(ledger(user=user, filters=filters, today=today))[:EXPORT_LIMIT]
    ]
    wb = Workbook()
    ws = wb.active
    ws.title = _("Ledger")
    ncol = len(EXPORT_COLUMNS)
    last = get_column_letter(ncol)
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")

    exports.xlsx_append(ws, [title_of(user=user, filters=filters)])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    exports.xlsx_append(ws, [range_text(filters, today)])
    ws.merge_cells(f"A2:{last}2")
    ws["A2"].alignment = Alignment(horizontal="right")
    exports.xlsx_append(ws, [label for label, _width in EXPORT_COLUMNS])
    for i, (_label, width) in enumerate(EXPORT_COLUMNS, start=1):
        cell = ws.cell(row=3, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8E8E8")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        ws.column_dimensions[get_column_letter(i)].width = width

    overdue_text = _("Overdue %(days)d d")
    for n, r in enumerate(rows, start=1):
        parties = "、".join(r["applicants"])
        if r["respondents"]:
            parties = f"{parties} — {'、'.join(r['respondents'])}"
        # Parties, summary, names: typed by liaisons and citizens, written as text.
        exports.xlsx_append(
            ws,
            [
                n,
                r["number"],
                r["received_on"],
                r["source_label"],
                r["type_label"],
                r["place"],
                parties,
                r["summary"],
                r["risk_label"],
                r["age_days"],
                r["responsible_leader"],
                r["responsible_person"],
                r["deadline"],
                # Printed in black and white: the word says it, not a colour.
                overdue_text % {"days": r["overdue_days"]} if r["overdue"] else "",
                r["state_label"],
                r["body"],
            ],
        )
        for cell in ws[ws.max_row]:
            cell.alignment = wrap
            cell.border = border
        for col in (3, 13):
            ws.cell(row=ws.max_row, column=col).number_format = "yyyy-mm-dd"
        if r["overdue"]:
            ws.cell(row=ws.max_row, column=14).font = Font(bold=True, color="B3261E")

    ws.freeze_panes = "A4"
    ws.print_title_rows = "1:3"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = _("Page &P of &N")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
