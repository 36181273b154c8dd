"""The bodies of the dashboard's long tables (the league table, the volume
tables), written in Python: through the template engine the city's 48 ranked
units × 9 rates and its ~100 volume rows were a quarter of the page's time (a
`{% url %}` per row, every per cent computed twice and localized;
bench/analytics.py, docs/benchmarks.md). The markup is the one the template had.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

EMPTY = "—"


def _pct(pct) -> str:
    return EMPTY if pct is None else f"{pct}%"


def ranking_body(places, q: dict) -> SafeString:
    """The league table's rows: rank, the unit (a link to its dashboard), matters, rates."""
    tail = f"&from={q['from']}&to={q['to']}"
    rows = []
    for p in places:
        cells = format_html_join("", "<td>{}</td>", ((_pct(x.pct),) for x in p.rates))
        rows.append(
            format_html(
                '<tr data-unit="{}"><td>{}</td><th scope="row"><a href="?unit={}{}">{}</a></th>'
                "<td>{}</td>{}</tr>",
                p.unit.pk,
                EMPTY if p.rank is None else p.rank,
                p.unit.pk,
                tail,
                p.unit.name,
                p.counts["total"],
                cells,
            )
        )
    return mark_safe("".join(rows))


def volume_body(by: str, rows, q: dict) -> SafeString:
    """A volume table's rows: the name (a township links to its dashboard) and the
    count, a link to the matters it counts (the drill-down)."""
    tail = f"&from={q['from']}&to={q['to']}"
    matters = f"{reverse('analytics:matters')}?unit={q['unit']}{tail}&by={by}&key="
    out = []
    for row in rows:
        if by == "township" and row.key != "none":
            name = format_html('<a href="?unit={}{}">{}</a>', row.key, tail, row.label)
        else:
            name = row.label
        out.append(
            format_html(
                '<tr data-key="{}"><th scope="row">{}</th><td><a href="{}{}">{}</a></td></tr>',
                row.key,
                name,
                matters,
                row.key,
                row.count,
            )
        )
    return mark_safe("".join(out))


def unit_options(units, selected: int) -> SafeString:
    """The unit choice's options from (pk, name) pairs, the dashboard's unit selected."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((pk, mark_safe(" selected") if pk == selected else "", name) for pk, name in units),
    )
