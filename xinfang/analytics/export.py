"""The dashboard as an .xlsx workbook, one sheet per table (openpyxl), from the same
report as the page and the API (indicators.report)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from xinfang.core.exports import xlsx_append

from . import indicators


def _sheet(wb, title: str, header: list, rows: list[list]) -> None:
    ws = wb.create_sheet(title=title[:31])
    xlsx_append(ws, header)
    for row in rows:
        xlsx_append(ws, row)


def workbook(report: indicators.Report, ranking: list, hotspots: list) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    period = f"{report.period.start.isoformat()} – {report.period.end.isoformat()}"
    _sheet(
        wb,
        _("Counts"),
        [_("Indicator"), _("Value"), _("Unit"), _("Period")],
        [[str(indicators.COUNTS[k]), v, report.unit.name, period] for k, v in report.counts.items()]
        + [[str(indicators.LEADERSHIP[k]), v, "", ""] for k, v in report.leadership.items()],
    )
    _sheet(
        wb,
        _("Rates"),
        [_("Indicator"), _("Numerator"), _("Denominator"), _("Per cent")],
        [[r.label, r.numerator, r.denominator, _num(r.pct)] for r in report.rates],
    )
    _sheet(
        wb,
        _("Three declines"),
        [_("Indicator"), _("This period"), _("A year before"), _("Change (%)"), _("Direction")],
        [[d.label, d.current, d.previous, _num(d.change_pct), d.arrow] for d in report.declines],
    )
    for by, rows in report.volumes.items():
        _sheet(
            wb,
            str(indicators.DIMENSIONS[by]),
            [_("Key"), _("Name"), _("Matters")],
            [[r.key, r.label, r.count] for r in rows],
        )
    _sheet(
        wb,
        _("Ranking"),
        [_("Rank"), _("Unit"), str(indicators.COUNTS["total"])]
        + [str(indicators.RATES[k]) for k in indicators.RATES],
        [
            [p.rank, p.unit.name, p.counts["total"]] + [_num(r.pct) for r in p.rates]
            for p in ranking
        ],
    )
    _sheet(
        wb,
        _("Hotspots"),
        [_("Kind"), _("Name"), _("Latest week"), _("Usual (mean)"), _("Threshold"), _("Hotspot")],
        [
            [s.by, s.label, s.count, round(s.mean, 2), round(s.threshold, 2), s.flagged]
            for s in hotspots
        ],
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _num(value):
    return float(value) if value is not None else None
