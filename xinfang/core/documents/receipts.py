"""Receipts (回执) printed at the window: A4 with a stub for the office, or A5."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .fonts import FontUnavailable, _bold_variant, chinese_date, cjk_font  # noqa: F401
from .layout import INDENT, MM_PER_PT, RED, _Writer, draw_table_row  # noqa: F401

# --- receipts (回执) ----------------------------------------------------------------------

# Paper sizes a receipt is printed on, portrait (width, height) in mm.
RECEIPT_PAGES = {"A4": (210.0, 297.0), "A5": (148.0, 210.0)}
RECEIPT_MARGIN = 14.0


@dataclass
class ReceiptPart:
    """One part of a receipt (联): the petitioner's receipt, or the stub the window
    keeps. `highlight` is the one fact printed large in a box (the query code),
    `signatures` the lines signed by hand (the petitioner's on the stub)."""

    title: str
    rows: list[tuple[str, str]] | tuple = ()
    highlight: tuple[str, str] | None = None
    paragraphs: list[str] | tuple = ()
    signatures: list[str] | tuple = ()


def render_receipt_pdf(
    *,
    issuer: str,
    parts: list[ReceiptPart],
    issued_on: dt.date,
    page: str = "A4",
    cut_label: str = "",
) -> bytes:
    """A receipt (回执) as PDF bytes, on A4 or A5 paper.

    A5: one part per page. A4: two parts per page, one above the other with a
    dashed cut line (`cut_label`) between them -- the receipt the petitioner
    takes and the stub the window keeps, as a window's duplicate form (一式两联).
    Each part has the issuer in red, its title, a table of facts, the highlight
    in a box, its paragraphs, the signature lines and the issuer and date.
    Raises FontUnavailable when no Chinese font is installed."""
    from fpdf import FPDF

    if page not in RECEIPT_PAGES:
        raise ValueError(f"unknown page size {page!r}")
    page_w, page_h = RECEIPT_PAGES[page]
    path, index = cjk_font()
    pdf = FPDF(orientation="P", unit="mm", format=(page_w, page_h))
    pdf.set_auto_page_break(False)
    pdf.set_margins(RECEIPT_MARGIN, RECEIPT_MARGIN, RECEIPT_MARGIN)
    pdf.add_font("body", fname=path, collection_font_number=index)
    bold = _bold_variant(path)
    if bold:
        pdf.add_font("body", style="B", fname=bold[0], collection_font_number=bold[1])
    title = parts[0].title if parts else ""
    pdf.set_title(title)
    pdf.set_author(issuer)
    pdf.set_creator("Xinfang")
    pdf.set_lang("zh-CN")
    pdf.set_creation_date(
        dt.datetime.combine(issued_on, dt.time(9), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    )
    w = _Writer(pdf, has_bold=bold is not None)
    per_page = 2 if page == "A4" else 1
    slot_h = page_h / per_page
    for n, part in enumerate(parts):
        slot = n % per_page
        if slot == 0:
            pdf.add_page()
        top = slot * slot_h
        if slot:
            _cut_line(pdf, w, y=top, page_w=page_w, label=cut_label)
        _receipt_part(pdf, w, part, issuer=issuer, issued_on=issued_on, top=top, page_w=page_w)
    return bytes(pdf.output())


def _cut_line(pdf, w: _Writer, *, y: float, page_w: float, label: str) -> None:
    pdf.set_draw_color(120, 120, 120)
    pdf.set_line_width(0.3)
    with pdf.local_context():
        pdf.set_dash_pattern(dash=2, gap=1.5)
        pdf.line(6, y, page_w - 6, y)
    if label:
        pdf.set_font("body", "", 8)
        pdf.set_text_color(120, 120, 120)
        label_w = w.width(label) + 4
        pdf.set_fill_color(255, 255, 255)
        pdf.set_xy((page_w - label_w) / 2, y - 2)
        pdf.cell(label_w, 4, label, align="C", fill=True)
        pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)


def _receipt_part(
    pdf, w: _Writer, part: ReceiptPart, *, issuer: str, issued_on: dt.date, top: float, page_w
) -> None:
    left = RECEIPT_MARGIN
    text_w = page_w - 2 * RECEIPT_MARGIN
    small = page_w < 180  # A5: a little smaller type
    body_pt = 10.5 if small else 11.0
    line_h = body_pt * MM_PER_PT * 1.5

    def font(size: float, style: str = "") -> None:
        pdf.set_font("body", w.bold if style else "", size)

    # The issuer in red over a red rule, the title under it.
    size = 15.0 if small else 17.0
    font(size, "B")
    while w.width(issuer) > text_w and size > 9:
        size -= 0.5
        font(size, "B")
    pdf.set_text_color(*RED)
    pdf.set_xy(left, top + (RECEIPT_MARGIN if top == 0 else 10))
    pdf.cell(text_w, size * MM_PER_PT * 1.5, issuer, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.6)
    y = pdf.get_y() + 1
    pdf.line(left, y, left + text_w, y)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_y(y + 2.5)
    font(15.0 if small else 16.0, "B")
    for line in w.wrap(part.title, text_w):
        pdf.set_x(left)
        pdf.cell(text_w, 8, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)

    # The facts as a two-column table.
    font(body_pt)
    label_w = 26.0 if small else 30.0
    value_w = text_w - label_w
    pad = 1.2
    pdf.set_draw_color(90, 90, 90)
    pdf.set_line_width(0.25)
    for label, value in part.rows:
        label_lines = w.wrap(str(label), label_w - 2 * pad)
        value_lines = w.wrap(str(value or "—"), value_w - 2 * pad)
        height = max(len(label_lines), len(value_lines)) * line_h + 2 * pad
        draw_table_row(
            pdf,
            left=left,
            widths=(label_w, value_w),
            cells=(label_lines, value_lines),
            line_h=line_h,
            pad=pad,
            height=height,
        )

    # The highlight (the query code): large, in a box, on one line.
    if part.highlight:
        label, value = part.highlight
        pdf.ln(2.5)
        y = pdf.get_y()
        box_h = 14.0
        pdf.set_line_width(0.6)
        pdf.rect(left, y, text_w, box_h, style="D")
        font(body_pt)
        pdf.set_xy(left + 2, y)
        pdf.cell(label_w, box_h, label)
        size = 20.0
        font(size, "B")
        while w.width(value) > value_w - 4 and size > 10:
            size -= 1
            font(size, "B")
        pdf.set_char_spacing(0.6)
        pdf.set_xy(left + label_w, y)
        pdf.cell(value_w - 2, box_h, value, align="C")
        pdf.set_char_spacing(0)
        pdf.set_line_width(0.25)
        pdf.set_xy(left, y + box_h)

    # What happens next.
    pdf.ln(2)
    font(body_pt - 0.5)
    para_h = (body_pt - 0.5) * MM_PER_PT * 1.45
    for text in part.paragraphs:
        for line in w.wrap(INDENT + text, text_w):
            pdf.set_x(left)
            pdf.cell(text_w, para_h, line, new_x="LMARGIN", new_y="NEXT")

    # Signature lines, then the issuer and the date at the right.
    font(body_pt)
    for label in part.signatures:
        pdf.ln(2)
        text = _("%(who)s: ") % {"who": label}
        y = pdf.get_y()
        pdf.set_x(left)
        pdf.cell(w.width(text), line_h, text)
        pdf.line(left + w.width(text) + 1, y + line_h - 1, left + text_w * 0.55, y + line_h - 1)
        pdf.set_xy(left, y + line_h)
    pdf.ln(2)
    for text in (issuer, chinese_date(issued_on)):
        pdf.set_x(left)
        pdf.cell(text_w - 4, line_h, text, align="R", new_x="LMARGIN", new_y="NEXT")
