"""每周通报: the weekly bulletin of a backlog campaign, computed, never typed.

`figures(campaign, year=, week=)` counts, for one ISO week (Monday to Sunday,
Beijing dates), per responsible unit of the listed matters (the matter's
responsible unit; the petition office while it has none):
- listed: the matters on the confirmed list (listed by the week's Sunday);
- owned: of those, the ones with an owning leader and a plan (case ownership);
- resolved this week: the plan resolved (化解) on a day of the week;
- resolved to date: the plan resolved by the week's Sunday;
- overdue: the plan's target date passed (before the week's last day, or today
  for the running week) and the plan not resolved;
- red: the matter is red (petitions.selectors.with_colour) on that day;
and the units with red matters, and the campaign's progress week by week (listed
and resolved, cumulative) from its first week to this one. An issued bulletin
stores these figures (Bulletin.figures), so it never changes afterwards; the
page, the PDF and the .xlsx are drawn from the stored figures.
"""

from __future__ import annotations

import datetime as dt
import io

from django.conf import settings
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from xinfang.core import calendar, exports
from xinfang.core.documents import Section, chinese_date, render_pdf
from xinfang.core.exceptions import InvalidInput
from xinfang.petitions import selectors as petition_selectors
from xinfang.petitions.models import Petition

from . import registry
from .models import Bulletin, Campaign, CampaignMatter, MatterStatus, OwnershipPlan, PlanState

MAX_WEEKS = 104  # the chart's weeks, at most (two years)


def week_bounds(year: int, week: int) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of ISO week `week` of `year`; a week that does not exist
    is a 400."""
    try:
        monday = dt.date.fromisocalendar(int(year), int(week), 1)
    except (TypeError, ValueError):
        raise InvalidInput(
            field_errors={"week": [_("There is no such week in that year.")]}
        ) from None
    return monday, monday + dt.timedelta(days=6)


def week_of(day: dt.date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso.year, iso.week


def _weeks(first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    monday = first - dt.timedelta(days=first.weekday())
    out = []
    while monday <= last and len(out) < MAX_WEEKS:
        out.append((monday, monday + dt.timedelta(days=6)))
        monday += dt.timedelta(days=7)
    return out


def figures(campaign: Campaign, *, year: int, week: int, today: dt.date | None = None) -> dict:
    """The bulletin's figures for the campaign and ISO week (JSON-ready)."""
    today = today or calendar.today()
    start, end = week_bounds(year, week)
    as_of = min(end, today)
    listed = list(
        CampaignMatter.objects.filter(
            campaign=campaign, status=MatterStatus.KEPT, listed_on__lte=end
        ).select_related("petition__responsible_unit", "petition__office")
    )
    petition_ids = [m.petition_id for m in listed]
    # The matter's plan (one per matter): the one the campaign linked, or one made
    # through case ownership elsewhere afterwards.
    plans = {p.petition_id: p for p in OwnershipPlan.objects.filter(petition_id__in=petition_ids)}
    red = set(
        petition_selectors.with_colour(Petition.objects.filter(pk__in=petition_ids), today=as_of)
        .filter(colour="red")
        .values_list("pk", flat=True)
    )
    units: dict[int, dict] = {}
    for m in listed:
        unit = m.petition.responsible_unit or m.petition.office
        r = units.setdefault(
            unit.pk,
            {
                "unit": unit.pk,
                "name": unit.name,
                "listed": 0,
                "owned": 0,
                "resolved_week": 0,
                "resolved_total": 0,
                "overdue": 0,
                "red": 0,
            },
        )
        r["listed"] += 1
        plan = plans.get(m.petition_id)
        if plan is not None and plan.owned_on <= end:
            r["owned"] += 1
            resolved = plan.state == PlanState.RESOLVED and plan.resolved_on <= end
            if resolved and plan.resolved_on >= start:
                r["resolved_week"] += 1
            if resolved:
                r["resolved_total"] += 1
            elif plan.target_date < as_of:
                r["overdue"] += 1
        if m.petition_id in red:
            r["red"] += 1
    rows = sorted(units.values(), key=lambda r: (-r["listed"], r["name"]))
    keys = ("listed", "owned", "resolved_week", "resolved_total", "overdue", "red")
    totals = {k: sum(r[k] for r in rows) for k in keys}
    return {
        "campaign": {"id": campaign.pk, "name": campaign.name},
        "office": {"id": campaign.office_id, "name": campaign.office.name},
        "year": int(year),
        "week": int(week),
        "week_start": start.isoformat(),
        "week_end": end.isoformat(),
        "as_of": as_of.isoformat(),
        "units": rows,
        "totals": totals,
        "red_units": [r["name"] for r in rows if r["red"]],
        # The units whose listed matters the escalation ladder turned red this week
        # (挂牌督办, through registry.BULLETIN_ESCALATIONS).
        "escalated_units": registry.escalated_units(campaign.office, start=start, end=end),
        "progress": progress(campaign, listed=listed, plans=plans, until=end),
    }


def progress(campaign: Campaign, *, listed, plans, until: dt.date) -> list[dict]:
    """Week by week from the campaign's first week to `until`'s: the matters listed
    and resolved (cumulative), and resolved in the week."""
    first = min(campaign.starts_on, campaign.confirmed_on or campaign.starts_on)
    rows = []
    for start, end in _weeks(first, until):
        resolved_dates = [
            plans[m.petition_id].resolved_on
            for m in listed
            if m.petition_id in plans
            and plans[m.petition_id].state == PlanState.RESOLVED
            and plans[m.petition_id].resolved_on <= end
        ]
        iso = start.isocalendar()
        rows.append(
            {
                "year": iso.year,
                "week": iso.week,
                "week_start": start.isoformat(),
                "week_end": end.isoformat(),
                "listed": sum(1 for m in listed if m.listed_on <= end),
                "resolved": len(resolved_dates),
                "resolved_week": sum(1 for d in resolved_dates if d >= start),
            }
        )
    return rows


# --- the chart ---------------------------------------------------------------------------


def progress_svg(progress_rows: list[dict]) -> SafeString:
    """Listed and resolved (cumulative) per week as an inline SVG drawn here: no
    script, no library. Readable in black and white: listed is a solid line with
    squares, resolved a dashed line with circles, each point carries its number,
    and the legend says it in words."""
    w, h = 640, 300
    left, right, top, bottom = 44, 16, 40, 44
    n = len(progress_rows)
    title = _("Listed and resolved, cumulative, per week")
    if not n:
        return mark_safe("")
    top_value = max([r["listed"] for r in progress_rows] + [1])
    plot_w, plot_h = w - left - right, h - top - bottom

    def x(i):
        return left + (plot_w * (i + 0.5) / n)

    def y(v):
        return top + plot_h - plot_h * v / top_value

    parts = [
        f'<svg class="progress-chart" viewBox="0 0 {w} {h}" width="100%" role="img" '
        f'aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<rect x="0" y="0" width="{w}" height="{h}" fill="#fff"/>',
    ]
    for tick in sorted({0, top_value // 2, top_value}):
        ty = y(tick)
        parts.append(
            f'<line x1="{left}" y1="{ty:.1f}" x2="{w - right}" y2="{ty:.1f}" '
            f'stroke="#bbb" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{ty + 4:.1f}" font-size="12" text-anchor="end" '
            f'fill="#000">{tick}</text>'
        )
    step = max(1, n // 12)
    for i, r in enumerate(progress_rows):
        if i % step == 0 or i == n - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{h - bottom + 18}" font-size="11" '
                f'text-anchor="middle" fill="#000">{escape(_("W%(week)d") % r)}</text>'
            )
    series = [
        ("listed", _("Listed (cumulative)"), "none", "square"),
        ("resolved", _("Resolved (cumulative)"), "6 4", "circle"),
    ]
    for key, _label, dash, marker in series:
        points = " ".join(f"{x(i):.1f},{y(r[key]):.1f}" for i, r in enumerate(progress_rows))
        dash_attr = f' stroke-dasharray="{dash}"' if dash != "none" else ""
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="#000" stroke-width="2"'
            f'{dash_attr} data-series="{key}"/>'
        )
        for i, r in enumerate(progress_rows):
            cx, cy = x(i), y(r[key])
            if marker == "square":
                parts.append(
                    f'<rect x="{cx - 4:.1f}" y="{cy - 4:.1f}" width="8" height="8" fill="#000"/>'
                )
            else:
                parts.append(
                    f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4.5" fill="#fff" stroke="#000" '
                    f'stroke-width="2"/>'
                )
            # Listed's number above its point, resolved's below (or, near the axis,
            # beside it), so that neither covers the other nor the week's label.
            if key == "listed":
                tx, ty, anchor = cx, cy - 9, "middle"
            elif cy > top + plot_h - 20:
                tx, ty, anchor = cx + 9, cy - 6, "start"
            else:
                tx, ty, anchor = cx, cy + 18, "middle"
            parts.append(
                f'<text x="{tx:.1f}" y="{ty:.1f}" font-size="11" text-anchor="{anchor}" '
                f'fill="#000">{r[key]}</text>'
            )
    # The legend, in words, with the line and the marker of each series.
    lx = left
    for _key, label, dash, marker in series:
        dash_attr = f' stroke-dasharray="{dash}"' if dash != "none" else ""
        parts.append(
            f'<line x1="{lx}" y1="18" x2="{lx + 30}" y2="18" stroke="#000" stroke-width="2"'
            f"{dash_attr}/>"
        )
        if marker == "square":
            parts.append(f'<rect x="{lx + 11}" y="14" width="8" height="8" fill="#000"/>')
        else:
            parts.append(
                f'<circle cx="{lx + 15}" cy="18" r="4.5" fill="#fff" stroke="#000" '
                f'stroke-width="2"/>'
            )
        parts.append(
            f'<text x="{lx + 36}" y="22" font-size="12" fill="#000">{escape(label)}</text>'
        )
        lx += 220
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


# --- the documents -------------------------------------------------------------------------


def _summary(f: dict) -> str:
    t = f["totals"]
    return _(
        "%(campaign)s, week %(week)d of %(year)d (%(start)s to %(end)s): %(listed)d matters "
        "listed, %(owned)d owned with a plan, %(resolved_week)d resolved this week, "
        "%(resolved_total)d resolved to date, %(overdue)d past the target date and not "
        "resolved, %(red)d red."
    ) % {
        "campaign": f["campaign"]["name"],
        "week": f["week"],
        "year": f["year"],
        "start": chinese_date(f["week_start"]),
        "end": chinese_date(f["week_end"]),
        **t,
    }


def _red_line(f: dict) -> str:
    if not f["red_units"]:
        line = _("No unit has a red matter.")
    else:
        line = _("Units with red matters: %(units)s.") % {"units": "、".join(f["red_units"])}
    escalated = f.get("escalated_units") or []
    if escalated:
        line += _("Listed matters escalated red this week: %(units)s.") % {
            "units": "、".join(escalated)
        }
    return line


def pdf(bulletin: Bulletin) -> bytes:
    """The bulletin as a printable A4 PDF (always in Chinese, like every official
    document): the office, the number, the date, a summary and a table per unit."""
    f = bulletin.figures
    with translation.override(settings.LANGUAGE_CODE):
        sections = [Section(paragraphs=[_summary(f), _red_line(f)])]
        for r in f["units"]:
            sections.append(
                Section(
                    heading=r["name"],
                    fields=[
                        (_("Listed in the campaign"), str(r["listed"])),
                        (_("Owned with a plan"), str(r["owned"])),
                        (_("Resolved this week"), str(r["resolved_week"])),
                        (_("Resolved to date"), str(r["resolved_total"])),
                        (_("Overdue, not resolved"), str(r["overdue"])),
                        (_("Red matters"), str(r["red"])),
                    ],
                )
            )
        sections.append(
            Section(
                heading=_("Progress per week"),
                fields=[
                    (
                        _("Week %(week)d (%(start)s to %(end)s)")
                        % {
                            "week": p["week"],
                            "start": p["week_start"][5:],
                            "end": p["week_end"][5:],
                        },
                        _("listed %(listed)d, resolved %(resolved)d") % p,
                    )
                    for p in f["progress"]
                ],
            )
        )
        return render_pdf(
            title=_("Backlog campaign weekly bulletin"),
            issuer=bulletin.office.name,
            number=bulletin.number,
            sections=sections,
            issued_on=bulletin.issued_on,
            seal=True,
        )


UNIT_COLUMNS = (
    ("name", gettext_lazy("Responsible unit"), 28),
    ("listed", gettext_lazy("Listed in the campaign"), 10),
    ("owned", gettext_lazy("Owned with a plan"), 12),
    ("resolved_week", gettext_lazy("Resolved this week"), 12),
    ("resolved_total", gettext_lazy("Resolved to date"), 12),
    ("overdue", gettext_lazy("Overdue, not resolved"), 14),
    ("red", gettext_lazy("Red matters"), 10),
)


def xlsx(bulletin: Bulletin) -> bytes:
    """The bulletin as a workbook: the table per unit, and the weekly progress."""
    f = bulletin.figures
    wb = Workbook()
    ws = wb.active
    ws.title = _("By unit")
    exports.xlsx_append(ws, [_("Backlog campaign weekly bulletin")])
    ws["A1"].font = Font(size=14, bold=True)
    exports.xlsx_append(
        ws,
        [
            bulletin.number,
            bulletin.office.name,
            bulletin.issued_on.isoformat(),
            f["week_start"] + " – " + f["week_end"],
        ],
    )
    exports.xlsx_append(ws, [str(label) for _key, label, _w in UNIT_COLUMNS])
    for i, (_key, _label, width) in enumerate(UNIT_COLUMNS, start=1):
        ws.cell(row=3, column=i).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(i)].width = width
    for r in f["units"]:
        exports.xlsx_append(ws, [r[key] for key, _label, _w in UNIT_COLUMNS])
    exports.xlsx_append(ws, [_("Total")] + [f["totals"][k] for k, _l, _w in UNIT_COLUMNS[1:]])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A4"

    ws2 = wb.create_sheet(_("Progress per week"))
    exports.xlsx_append(
        ws2,
        [
            _("ISO week"),
            _("From"),
            _("To"),
            _("Listed (cumulative)"),
            _("Resolved this week"),
            _("Resolved (cumulative)"),
        ],
    )
    for cell in ws2[1]:
        cell.font = Font(bold=True)
    for p in f["progress"]:
        exports.xlsx_append(
            ws2,
            [
                f"{p['year']}-W{p['week']:02d}",
                p["week_start"],
                p["week_end"],
                p["listed"],
                p["resolved_week"],
                p["resolved"],
            ],
        )
    for i, width in enumerate((12, 12, 12, 14, 14, 14), start=1):
        ws2.column_dimensions[get_column_letter(i)].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
