"""The data the dashboard's charts draw (static/js/analytics.js reads it from a
json_script element: no inline script under the CSP). Every chart has its table
beside it on the page, with the same numbers."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import indicators

CHARTED = ("channel", "purpose", "category1", "township")


def _bars(title: str, rows: list[tuple[str, float | None]], unit: str = "") -> dict:
    return {
        "title": title,
        "labels": [label for label, _v in rows],
        "values": [value for _l, value in rows],
        "unit": unit,
    }


def data(report: indicators.Report, places: list) -> dict:
    charts = {}
    for by in CHARTED:
        rows = report.volumes.get(by) or []
        charts[by] = _bars(str(indicators.DIMENSIONS[by]), [(r.label, r.count) for r in rows[:12]])
    charts["rates"] = _bars(
        _("Rates (%)"),
        [(r.label, float(r.pct) if r.pct is not None else None) for r in report.rates],
        "%",
    )
    return {
        "charts": charts,
        "declines": {
            "labels": [d.label for d in report.declines],
            "current": [d.current for d in report.declines],
            "previous": [d.previous for d in report.declines],
            "names": [_("This period"), _("A year before")],
        },
    }
