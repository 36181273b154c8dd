"""The monthly report as an A4 PDF with charts (fpdf2) and as an .xlsx workbook with
one sheet per table (openpyxl), both drawn from the figures (monthly.figures, or
the frozen MonthlyReport.figures once issued).

The charts are drawn with fpdf2's own lines, rectangles and text: no image, no
library, so they print sharply in black and white. Series are told apart by
fill (black, white with a black frame) and line style (solid, dashed), never by
colour alone, and every bar and point carries its number. The font is the
official documents' (core.documents.cjk_font): without a Chinese font the PDF
cannot be made, FontUnavailable (503).
"""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from xinfang.core import calendar, exports
from xinfang.core.documents import RED, TEXT_W, _new_document, chinese_date, cjk_font
from xinfang.core.documents.layout import LEFT

from . import monthly
from .models import MonthlyReport

INK = (0, 0, 0)
GRID = (170, 170, 170)
SMALL_PT = 10.5
CHART_PT = 9.0


# --- tables and charts ----------------------------------------------------------------


class _Page:
    """Draws the report's parts one below the other, breaking pages as needed."""

    def __init__(self, pdf, writer):
        self.pdf = pdf
        self.w = writer

    def room(self, height: float) -> None:
        if self.pdf.will_page_break(height):
            self.pdf.add_page()

    def heading(self, text: str, keep: float = 64) -> None:
        """A section's heading, with `keep` mm of what follows on its page."""
        self.room(keep)
        self.pdf.ln(2)
        self.w.heading(text)

    def paragraph(self, text: str) -> None:
        self.pdf.set_font("body", "", 13)
        self.w.paragraph(text)

    def fit(self, text: str, width: float) -> str:
        """`text` cut with … to fit `width` at the current font."""
        text = str(text)
        if self.pdf.get_string_width(text) <= width:
            return text
        while text and self.pdf.get_string_width(text + "…") > width:
            text = text[:-1]
        return text + "…"

    def table(self, header: list[str], rows: list[list], widths: list[float]) -> None:
        """A framed table, the header shaded; numbers right-aligned."""
        pdf = self.pdf
        scale = TEXT_W / sum(widths)
        widths = [w * scale for w in widths]
        row_h = 7.0
        pdf.set_draw_color(90, 90, 90)
        pdf.set_line_width(0.25)

        def draw(cells, shaded):
            self.room(row_h)
            pdf.set_x(LEFT)
            for text, w in zip(cells, widths, strict=True):
                numeric = isinstance(text, int | float) or (
                    isinstance(text, str)
                    and text.rstrip("%").replace(".", "").lstrip("-").isdigit()
                )
                value = "—" if text is None or text == "" else str(text)
                pdf.set_fill_color(236, 236, 236)
                pdf.cell(
                    w,
                    row_h,
                    self.fit(value, w - 2.4),
                    border=1,
                    align="R" if numeric and not shaded else "L",
                    fill=shaded,
                )
            pdf.ln(row_h)

        pdf.set_font("body", self.w.bold, SMALL_PT)
        draw(header, True)
        pdf.set_font("body", "", SMALL_PT)
        for row in rows:
            draw(row, False)
        pdf.ln(3)

    def hbars(self, title: str, rows: list[tuple[str, float | None]], unit: str = "") -> None:
        """Horizontal bars, one per row, its number at its end; a row with
        nothing to count shows "—"."""
        if not rows:
            return
        pdf = self.pdf
        bar_h, gap = 5.0, 2.2
        label_w = 52.0
        plot_w = TEXT_W - label_w - 18
        height = 9 + len(rows) * (bar_h + gap) + 3
        self.room(height)
        top = pdf.get_y()
        pdf.set_font("body", self.w.bold, CHART_PT + 1)
        pdf.set_xy(LEFT, top)
        pdf.cell(TEXT_W, 6, title)
        pdf.set_font("body", "", CHART_PT)
        largest = max([v for _l, v in rows if v is not None] + [1])
        if unit == "%":
            largest = 100
        y = top + 9
        x0 = LEFT + label_w
        pdf.set_draw_color(*INK)
        pdf.set_line_width(0.3)
        pdf.line(x0, y - 1, x0, y + len(rows) * (bar_h + gap) - gap + 1)
        for label, value in rows:
            pdf.set_xy(LEFT, y)
            pdf.cell(label_w - 2, bar_h, self.fit(label, label_w - 3), align="R")
            length = plot_w * (value or 0) / largest
            if value:
                pdf.set_fill_color(70, 70, 70)
                pdf.rect(x0, y, max(length, 0.6), bar_h, style="DF")
            shown = "—" if value is None else f"{_fmt(value)}{unit}"
            pdf.set_xy(x0 + length + 1.5, y)
            pdf.cell(16, bar_h, shown)
            y += bar_h + gap
        pdf.set_y(y + 3)

    def pairs(self, title: str, groups: list[tuple[str, int, int]], names: tuple[str, str]):
        """Pairs of vertical bars (this month black, a year before white framed),
        each with its number above it, and a legend in words."""
        pdf = self.pdf
        height = 70.0
        self.room(height + 10)
        top = pdf.get_y()
        pdf.set_font("body", self.w.bold, CHART_PT + 1)
        pdf.set_xy(LEFT, top)
        pdf.cell(TEXT_W, 6, title)
        pdf.set_font("body", "", CHART_PT)
        # The legend: a swatch and the words for each series.
        lx = LEFT
        for i, name in enumerate(names):
            pdf.set_fill_color(*((40, 40, 40) if i == 0 else (255, 255, 255)))
            pdf.set_draw_color(*INK)
            pdf.rect(lx, top + 8, 6, 3.5, style="DF")
            pdf.set_xy(lx + 7.5, top + 7.2)
            pdf.cell(40, 5, name)
            lx += 50
        plot_top, plot_bottom = top + 16, top + height - 8
        largest = max([max(a, b) for _l, a, b in groups] + [1])
        pdf.set_draw_color(*GRID)
        pdf.set_line_width(0.2)
        pdf.line(LEFT, plot_bottom, LEFT + TEXT_W, plot_bottom)
        slot = TEXT_W / max(len(groups), 1)
        bar_w = min(16.0, slot / 3)
        pdf.set_draw_color(*INK)
        for i, (label, current, previous) in enumerate(groups):
            cx = LEFT + slot * (i + 0.5)
            for j, value in enumerate((current, previous)):
                x = cx - bar_w - 1 + j * (bar_w + 2)
                h = (plot_bottom - plot_top - 5) * value / largest
                pdf.set_fill_color(*((40, 40, 40) if j == 0 else (255, 255, 255)))
                if h > 0:
                    pdf.rect(x, plot_bottom - h, bar_w, h, style="DF")
                pdf.set_xy(x - 2, plot_bottom - h - 5)
                pdf.cell(bar_w + 4, 5, str(value), align="C")
            pdf.set_xy(cx - slot / 2, plot_bottom + 1)
            pdf.cell(slot, 5, self.fit(label, slot - 2), align="C")
        pdf.set_y(top + height + 2)

    def line(self, title: str, points: list[tuple[str, int]]) -> None:
        """One series as a solid line with square markers, each point's number
        above it, and the months along the bottom."""
        if not points:
            return
        pdf = self.pdf
        height = 62.0
        self.room(height + 6)
        top = pdf.get_y()
        pdf.set_font("body", self.w.bold, CHART_PT + 1)
        pdf.set_xy(LEFT, top)
        pdf.cell(TEXT_W, 6, title)
        pdf.set_font("body", "", CHART_PT - 0.5)
        plot_top, plot_bottom = top + 13, top + height - 8
        largest = max([v for _l, v in points] + [1])
        n = len(points)
        left = LEFT + 4

        def x(i):
            return left + (TEXT_W - 8) * (i + 0.5) / n

        def y(v):
            return plot_bottom - (plot_bottom - plot_top) * v / largest

        pdf.set_draw_color(*GRID)
        pdf.set_line_width(0.2)
        for frac in (0, 0.5, 1):
            gy = plot_bottom - (plot_bottom - plot_top) * frac
            pdf.line(LEFT, gy, LEFT + TEXT_W, gy)
        pdf.set_draw_color(*INK)
        pdf.set_line_width(0.5)
        for i in range(n - 1):
            pdf.line(x(i), y(points[i][1]), x(i + 1), y(points[i + 1][1]))
        pdf.set_fill_color(*INK)
        for i, (label, value) in enumerate(points):
            pdf.rect(x(i) - 1.1, y(value) - 1.1, 2.2, 2.2, style="F")
            pdf.set_xy(x(i) - 6, y(value) - 6)
            pdf.cell(12, 4, str(value), align="C")
            pdf.set_xy(x(i) - 8, plot_bottom + 1)
            pdf.cell(16, 4, label, align="C")
        pdf.set_y(top + height + 2)


def _fmt(value) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.1f}"


def _pct(value) -> str:
    return f"{value}%" if value is not None else "—"


# --- the PDF ---------------------------------------------------------------------------


def pdf(report: MonthlyReport, figures: dict | None = None) -> bytes:
    """The report as an A4 PDF (always in Chinese, like every official document);
    a draft carries 草稿 across every page."""
    f = figures if figures is not None else report.figures
    with translation.override(settings.LANGUAGE_CODE):
        return _pdf(report, f)


def _pdf(report: MonthlyReport, f: dict) -> bytes:
    path, index = cjk_font()
    title = _("Monthly analysis of the petition situation")
    issued_on = report.issued_on or calendar.today()
    doc, w = _new_document(
        path, index, title=title, issuer=report.unit.name, issued_on=issued_on, spacing=1.6
    )
    if not report.issued:
        doc.watermark = _("DRAFT")
    doc.add_page()
    page = _Page(doc, w)
    # 版头: the unit in red over a red rule; the title, the month and the number.
    doc.set_font("body", w.bold, 22)
    doc.set_text_color(*RED)
    doc.set_x(LEFT)
    doc.cell(TEXT_W, 12, report.unit.name, align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_draw_color(*RED)
    doc.set_line_width(0.8)
    y = doc.get_y() + 2
    doc.line(LEFT, y, LEFT + TEXT_W, y)
    doc.set_text_color(*INK)
    doc.set_draw_color(*INK)
    doc.set_y(y + 5)
    doc.set_font("body", w.bold, 20)
    doc.cell(TEXT_W, 11, title, align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("body", "", 13)
    doc.cell(
        TEXT_W,
        8,
        _("(%(month)s)") % {"month": monthly.month_label(f["month"])},
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.set_font("body", "", 11)
    doc.cell(
        TEXT_W,
        7,
        report.number or _("Draft, not issued"),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.ln(3)

    c = f["counts"]
    page.heading(_("1. Overall situation"))
    page.paragraph(monthly.summary(f))
    for text in _paragraphs(report.overview):
        page.paragraph(text)
    page.table(
        [_("Indicator"), _("This month")],
        [
            [_("Matters received"), c["total"]],
            [_("Group petitions (5 people or more)"), c["group"]],
            [_("Skipped-level petitions"), c["cross_level"]],
            [_("Repeat petitions"), c["repeat"]],
        ],
        [3, 1],
    )

    page.heading(_("2. The three declines"), keep=92)
    page.pairs(
        _("This month against the same month a year before"),
        [(d["label"], d["current"], d["previous"]) for d in f["declines"]],
        (_("This month"), _("A year before")),
    )
    page.table(
        [_("Indicator"), _("This month"), _("A year before"), _("Change")],
        [[d["label"], d["current"], d["previous"], _change(d)] for d in f["declines"]],
        [3, 1.2, 1.2, 1.6],
    )

    page.heading(_("3. Rates"))
    page.hbars(
        _("Rates (%)"),
        [(r["label"], float(r["percent"]) if r["percent"] else None) for r in f["rates"]],
        "%",
    )
    page.table(
        [_("Indicator"), _("Numerator"), _("Denominator"), _("Per cent")],
        [[r["label"], r["numerator"], r["denominator"], _pct(r["percent"])] for r in f["rates"]],
        [4, 1.2, 1.2, 1.2],
    )

    page.heading(_("4. Categories and hotspots"))
    page.hbars(
        _("Matters by category (top %(n)d)") % {"n": monthly.TOP_CATEGORIES},
        [(r["label"], r["count"]) for r in f["top_categories"]],
    )
    if f["top_categories"]:
        page.table(
            [_("Category"), _("Matters")],
            [[r["label"], r["count"]] for r in f["top_categories"]],
            [4, 1],
        )
    if f["hotspots"]:
        page.table(
            [_("Hotspot"), _("Latest week"), _("Usual (mean)"), _("Threshold")],
            [[s["label"], s["count"], s["baseline_mean"], s["threshold"]] for s in f["hotspots"]],
            [3, 1, 1, 1],
        )
    else:
        page.paragraph(_("No hotspot in the month's last week."))

    townships = [r for r in f["townships"] if r["key"] != "none"]
    if len(townships) > 1:
        page.heading(_("5. Matters by township"))
        page.hbars(_("Matters by township"), [(r["label"], r["count"]) for r in f["townships"]])

    o = f["overdue"]
    page.heading(_("6. Overdue and red matters"))
    page.table(
        [_("Open matters on %(day)s") % {"day": chinese_date(o["as_of"])}, _("Matters")],
        [
            [_("Open"), o["open"]],
            [_("Red (past a due date, or listed red)"), o["red"]],
            [_("Yellow (a due date near)"), o["yellow"]],
            [_("Report-back overdue"), o["report_back_overdue"]],
            [_("Listed for supervision: red"), o["listed"]["red"]],
            [_("Listed for supervision: yellow"), o["listed"]["yellow"]],
            [_("Listed for supervision: blue"), o["listed"]["blue"]],
        ],
        [4, 1],
    )
    if o["red_matters"]:
        page.table(
            [_("Number"), _("Category"), _("Responsible unit"), _("Due"), _("Days over")],
            [
                [m["number"], m["category"], m["unit"], m["due_date"], m["days_over"]]
                for m in o["red_matters"]
            ],
            [3.0, 2.9, 1.9, 1.6, 1.1],
        )

    lead = f["leadership"]
    page.heading(_("7. Leaders' receptions and case ownership"))
    page.table(
        [_("Indicator"), _("This month")],
        [
            [_("Leaders' receptions (person-times)"), lead["reception_person_times"]],
            [_("Batches received"), lead["reception_batches"]],
            [_("People received"), lead["reception_people"]],
            [_("Matters owned by leaders (包案)"), lead["owned"]],
            [_("Owned matters resolved"), lead["owned_resolved"]],
        ],
        [4, 1],
    )

    m = f["mediation"]
    page.heading(_("8. Mediation of disputes"))
    page.table(
        [_("Indicator"), _("This month")],
        [
            [_("Disputes received"), m["received"]],
            [_("Settled"), m["settled"]],
            [_("Ended without agreement"), m["failed"]],
            [_("Withdrawn"), m["withdrawn"]],
            [_("Still open"), m["open"]],
            [_("Mediation success (调成率)"), _pct(m["success_percent"])],
        ],
        [4, 1],
    )

    page.heading(_("9. The last twelve months"), keep=84)
    page.line(
        _("Matters received per month"),
        [(p["month"][2:].replace("-", "/"), p["count"]) for p in f["trend"]],
    )

    page.heading(_("10. Main problems"), keep=30)
    for text in _paragraphs(report.problems) or ["—"]:
        page.paragraph(text)
    # The last section goes over with the issuer and the date (never those alone).
    doc.set_font("body", "", 13)
    last = _paragraphs(report.measures) or ["—"]
    lines = sum(len(w.wrap("\u3000\u3000" + t, TEXT_W)) for t in last)
    tail = 12 + lines * w.line_h + 26
    page.heading(_("11. Next steps"), keep=tail if tail < 120 else 30)
    for text in _paragraphs(report.measures) or ["—"]:
        page.paragraph(text)

    # The issuer and the date, bottom right.
    page.room(22)
    doc.ln(4)
    doc.set_font("body", "", 13)
    for text in (report.unit.name, chinese_date(issued_on) if report.issued else ""):
        if text:
            doc.set_x(LEFT)
            doc.cell(TEXT_W - 10, 8, text, align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _change(d: dict) -> str:
    if d["change_percent"] is None:
        return "—"
    arrow = {"down": "↓", "up": "↑", "same": "→"}[d["direction"]]
    return f"{arrow} {d['change_percent'].lstrip('-')}%"


# --- the workbook ----------------------------------------------------------------------


def _sheet(wb, title: str, header: list, rows: list[list], widths=()) -> None:
    ws = wb.create_sheet(title=title[:31])
    exports.xlsx_append(ws, header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        exports.xlsx_append(ws, row)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"


def _num(value):
    return float(value) if value not in (None, "") else None


def xlsx(report: MonthlyReport, figures: dict | None = None) -> bytes:
    """The report as a workbook, one sheet per table, the same numbers as the PDF."""
    f = figures if figures is not None else report.figures
    c, o, m, lead = f["counts"], f["overdue"], f["mediation"], f["leadership"]
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(
        wb,
        _("Report"),
        [_("Item"), _("Value")],
        [
            [_("Unit"), f["unit"]["name"]],
            [_("Month"), f["month"]],
            [_("Number"), report.number or _("Draft, not issued")],
            [_("Issued on"), report.issued_on.isoformat() if report.issued_on else ""],
            *[[str(h), "\n".join(p)] for _n, h, p in report.commentary()],
        ],
        (24, 80),
    )
    _sheet(
        wb,
        _("Counts"),
        [_("Indicator"), _("This month")],
        [
            [_("Matters received"), c["total"]],
            [_("Group petitions (5 people or more)"), c["group"]],
            [_("Skipped-level petitions"), c["cross_level"]],
            [_("Repeat petitions"), c["repeat"]],
        ],
        (36, 12),
    )
    _sheet(
        wb,
        _("Three declines"),
        [_("Indicator"), _("This month"), _("A year before"), _("Change (%)"), _("Direction")],
        [
            [d["label"], d["current"], d["previous"], _num(d["change_percent"]), d["arrow"]]
            for d in f["declines"]
        ],
        (24, 12, 12, 12, 10),
    )
    _sheet(
        wb,
        _("Rates"),
        [_("Indicator"), _("Numerator"), _("Denominator"), _("Per cent")],
        [[r["label"], r["numerator"], r["denominator"], _num(r["percent"])] for r in f["rates"]],
        (44, 12, 12, 12),
    )
    _sheet(
        wb,
        _("Top categories"),
        [_("Category"), _("Matters")],
        [[r["label"], r["count"]] for r in f["top_categories"]],
        (36, 12),
    )
    _sheet(
        wb,
        _("Hotspots"),
        [_("Kind"), _("Name"), _("Latest week"), _("Usual (mean)"), _("Threshold")],
        [
            [s["by"], s["label"], s["count"], s["baseline_mean"], s["threshold"]]
            for s in f["hotspots"]
        ],
        (14, 30, 12, 12, 12),
    )
    _sheet(
        wb,
        _("By township"),
        [_("Township"), _("Matters")],
        [[r["label"], r["count"]] for r in f["townships"]],
        (30, 12),
    )
    _sheet(
        wb,
        _("Overdue and red"),
        [_("Indicator"), _("Matters")],
        [
            [_("Open"), o["open"]],
            [_("Red (past a due date, or listed red)"), o["red"]],
            [_("Yellow (a due date near)"), o["yellow"]],
            [_("Report-back overdue"), o["report_back_overdue"]],
            [_("Listed for supervision: red"), o["listed"]["red"]],
            [_("Listed for supervision: yellow"), o["listed"]["yellow"]],
            [_("Listed for supervision: blue"), o["listed"]["blue"]],
        ],
        (40, 12),
    )
    _sheet(
        wb,
        _("Red matters"),
        [_("Number"), _("Category"), _("Responsible unit"), _("Due"), _("Days over")],
        [
            [x["number"], x["category"], x["unit"], x["due_date"], x["days_over"]]
            for x in o["red_matters"]
        ],
        (24, 20, 28, 12, 10),
    )
    _sheet(
        wb,
        _("Leadership"),
        [_("Indicator"), _("This month")],
        [
            [_("Leaders' receptions (person-times)"), lead["reception_person_times"]],
            [_("Batches received"), lead["reception_batches"]],
            [_("People received"), lead["reception_people"]],
            [_("Matters owned by leaders (包案)"), lead["owned"]],
            [_("Owned matters resolved"), lead["owned_resolved"]],
        ],
        (40, 12),
    )
    _sheet(
        wb,
        _("Mediation"),
        [_("Indicator"), _("This month")],
        [
            [_("Disputes received"), m["received"]],
            [_("Settled"), m["settled"]],
            [_("Ended without agreement"), m["failed"]],
            [_("Withdrawn"), m["withdrawn"]],
            [_("Still open"), m["open"]],
            [_("Mediation success (调成率)"), _num(m["success_percent"])],
        ],
        (36, 12),
    )
    _sheet(
        wb,
        _("Twelve months"),
        [_("Month"), _("Matters received")],
        [[p["month"], p["count"]] for p in f["trend"]],
        (12, 16),
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
