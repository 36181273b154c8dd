"""The cells of a row of the matter lists (待办, 挂牌督办, all I can see), written
in Python: through the template engine the 25 rows of a page were a third of the
page's time (an include per row, two more per cell group; bench/petitions.py's
HTML worklists at 1,000,000 matters, docs/benchmarks.md). The markup is the one
the rows' template had; `days_html` is also the `{% days %}` tag of the pages
that show one clock (petitions_tags)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import State


def days_html(d: dict | None) -> SafeString:
    """Days left to a deadline (views.common.days): overdue, due today, or left."""
    if not d or d.get("left") is None:
        return mark_safe("")
    if d.get("overdue"):
        n = d["overdue"]
        text = ngettext("overdue by %(n)s day", "overdue by %(n)s days", n) % {"n": n}
        return format_html('<span class="days days-over">{}</span>', text)
    if d["left"] == 0:
        return format_html('<span class="days days-today">{}</span>', _("due today"))
    n = d["left"]
    text = ngettext("%(n)s day left", "%(n)s days left", n) % {"n": n}
    return format_html('<span class="days">{}</span>', text)


def _labels() -> dict[str, SafeString]:
    """The words every row repeats, translated and escaped once per page."""
    return {
        k: conditional_escape(v)
        for k, v in {
            "colour": _("Colour"),
            "number": _("Number"),
            "summary": _("Summary"),
            "state": _("State"),
            "place": _("Place"),
            "unit": _("Responsible unit"),
            "due": _("Due"),
            "report_back": _("Report-back overdue"),
            "collective": _("collective"),
            "accusation": _("accusation"),
            "provisional_title": _(
                "Provisional: the holiday schedule of that year is not published yet."
            ),
            "provisional": _("provisional"),
            "not_colouring_title": _(
                "This clock does not colour the matter (the office’s colour settings)."
            ),
            "not_colouring": _("(does not colour)"),
            "may_ask": _("petitioner may ask until"),
            "paused": _("paused (hearing)"),
        }.items()
    }


def _due_cell(p, w: dict) -> str:
    if p.due_date:
        provisional = (
            f' <abbr class="provisional" title="{w["provisional_title"]}">{w["provisional"]}</abbr>'
            if p.due_provisional
            else ""
        )
        not_colouring = (
            ""
            if p.clock_colours
            else f' <span class="muted small" title="{w["not_colouring_title"]}">'
            f"{w['not_colouring']}</span>"
        )
        return f"{p.due_date.isoformat()}{provisional}<br>{days_html(p.days)}{not_colouring}"
    if p.window_ends_on:
        return f'<span class="muted">{w["may_ask"]}</span><br>{p.window_ends_on.isoformat()}'
    if p.hearing_started_on:
        return f'<span class="muted">{w["paused"]}</span>'
    return "—"


def row_cells(p, detail_prefix: str, w: dict, states: dict) -> SafeString:
    """The seven cells of a matter's row. `detail_prefix`: the matter page's URL
    before its id; `w`: _labels(); both made once per page. Every value from the
    matter is escaped; the labels are escaped already. `states`: the states'
    names (get_state_display translated every choice again for each row)."""
    report_back = (
        f'<br><span class="badge badge-red" data-report-back-overdue>{w["report_back"]}</span>'
        if p.report_back_overdue
        else ""
    )
    tags = (f" · {w['collective']}" if p.collective else "") + (
        f" · {w['accusation']}" if p.accusation else ""
    )
    unit = escape(p.responsible_unit.name) if p.responsible_unit_id else ""
    return mark_safe(
        f'<td class="cell-colour" data-label="{w["colour"]}">'
        f'<span class="badge badge-{escape(p.colour)}">{escape(p.colour_label)}</span></td>\n'
        f'<td class="nowrap cell-number" data-label="{w["number"]}">'
        f'<a href="{detail_prefix}{int(p.pk)}/">{escape(p.number)}</a>{report_back}</td>\n'
        f'<td class="cell-summary" data-label="{w["summary"]}">{escape(p.summary)}'
        f'<div class="muted small">{escape(p.category.name)}{tags}</div></td>\n'
        f'<td data-label="{w["state"]}">{states.get(p.state) or escape(p.state)}</td>\n'
        f'<td data-label="{w["place"]}">{escape(p.place.name_with_township)}</td>\n'
        f'<td data-label="{w["unit"]}">{unit or "—"}</td>\n'
        f'<td class="nowrap" data-label="{w["due"]}"><div>{_due_cell(p, w)}</div></td>'
    )


def with_cells(rows: list) -> list:
    """Each row's `cells`, ready for the page."""
    detail_prefix = escape(reverse("petitions:detail", args=[0]).removesuffix("0/"))
    w = _labels()
    states = {k: conditional_escape(str(v)) for k, v in State.choices}
    for p in rows:
        p.cells = row_cells(p, detail_prefix, w, states)
    return rows
