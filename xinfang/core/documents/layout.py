"""The layout of an official document on A4 (GB/T 9704, simplified): the writer and render_pdf()."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .fonts import FontUnavailable, _bold_variant, chinese_date, cjk_font  # noqa: F401

# --- the document -----------------------------------------------------------------------


@dataclass
class Section:
    """Part of a document's body: an optional heading, paragraphs (each indented two
    characters), and label/value rows drawn as a table."""

    heading: str = ""
    paragraphs: list[str] = field(default_factory=list)
    fields: list[tuple[str, str]] | tuple = ()


MM_PER_PT = 25.4 / 72
PAGE_W, PAGE_H = 210.0, 297.0
LEFT, RIGHT, TOP, BOTTOM = 28.0, 26.0, 25.0, 26.0
TEXT_W = PAGE_W - LEFT - RIGHT
BODY_PT = 14.0
LINE_H = BODY_PT * MM_PER_PT * 1.75
# Line spacings to try, loosest first: a document that would spill onto one more
# page at the normal spacing is set a little tighter when that keeps it on fewer
# pages (a two-paragraph notice fits one A4 page). 1.5 is still an official
# document's spacing; nothing tighter is tried.
SPACINGS = (1.75, 1.6, 1.5)
RED = (200, 16, 46)
SEAL_R = 19.0  # a 38 mm seal: close to the 40-42 mm of an organ's round seal
SEAL_BLOCK_H = 2 * SEAL_R + 3  # the circle, 3 mm below the text above it
SEAL_RED = (214, 40, 40)
INDENT = "\u3000\u3000"  # two ideographic spaces: the first-line indent of Chinese prose

# A line must not begin with closing punctuation nor end with opening punctuation (禁则).
NO_START = set("，。、；：？！）》」』”’〕】…—％%,.;:?!)]}·")
NO_END = set("（《「『“‘〔【([{")
# Runs of these stay together on one line: numbers, dates, Latin words.
_WORD = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./:@#")


def _tokens(text: str) -> list[str]:
    """Characters, except that a number or Latin word stays whole; a long run such as
    410481-2026-000012 may break after its hyphens, slashes and dots."""
    out: list[str] = []
    for ch in text:
        if ch in _WORD and out and out[-1][-1] in _WORD and out[-1][-1] not in "-/.":
            out[-1] += ch
        elif ch in _WORD and out and out[-1][-1] in "-/." and len(out[-1]) < 5:
            out[-1] += ch  # a short piece before the hyphen (2026-) stays with what follows
        else:
            out.append(ch)
    return out


@functools.cache
def _document_class():
    from fpdf import FPDF

    class Document(FPDF):
        footer_text = ""
        page_label = ""
        # Several copies in one file: each copy is numbered on its own ("第 1 页 共 2 页"),
        # its mark ("第2份（共3份）…") in the footer.
        copy_mark = ""
        copy_offset = 0
        copy_pages = 0
        # A draft or specimen (草稿, 样稿): a large pale mark across every page, so that
        # a preview printed by mistake is never taken for the issued document.
        watermark = ""

        def footer(self):
            if self.watermark:
                self._watermark()
            self.set_char_spacing(0)
            self.set_y(PAGE_H - 20)
            self.set_font("body", size=9)
            self.set_text_color(110, 110, 110)
            text = " · ".join(t for t in (self.footer_text, self.copy_mark) if t)
            if text:
                self.cell(0, 5, text, align="C", new_x="LMARGIN", new_y="NEXT")
            self.set_font("body", size=10.5)
            self.set_text_color(0, 0, 0)
            label = self.page_label % {
                "page": self.page_no() - self.copy_offset,
                "pages": self.copy_pages or "{nb}",
            }
            self.cell(0, 6, label, align="C")

        def _watermark(self):
            self.set_font("body", size=96)
            self.set_text_color(215, 215, 215)
            width = self.get_string_width(self.watermark)
            cx, cy = PAGE_W / 2, PAGE_H / 2
            with self.rotation(35, cx, cy):
                self.text(cx - width / 2, cy + 12, self.watermark)
            self.set_text_color(0, 0, 0)

    return Document


def draw_table_row(pdf, *, left: float, widths, cells, line_h: float, pad: float, height):
    """One row of a label/value table at the current y: the label cell shaded,
    both framed, each cell's wrapped lines; the cursor ends below the row. Shared
    by the documents' tables and the receipt's facts."""
    y = pdf.get_y()
    label_w, value_w = widths
    pdf.set_fill_color(244, 244, 244)
    pdf.rect(left, y, label_w, height, style="DF")
    pdf.rect(left + label_w, y, value_w, height, style="D")
    for x, w, lines in ((left, label_w, cells[0]), (left + label_w, value_w, cells[1])):
        for i, text in enumerate(lines):
            pdf.set_xy(x + pad, y + pad + i * line_h)
            pdf.cell(w - 2 * pad, line_h, text)
    pdf.set_xy(left, y + height)


class _Writer:
    """Draws the parts of a document in order, breaking lines and pages itself so
    that Chinese wraps by character, punctuation follows the rules, and lines are
    justified."""

    def __init__(self, pdf, has_bold: bool, spacing: float = SPACINGS[0]):
        self.pdf = pdf
        self.bold = "B" if has_bold else ""
        self.spacing = spacing
        self.line_h = BODY_PT * MM_PER_PT * spacing
        # How much must follow the last body block on its page (the basis, the
        # signature lines and the seal block): set by _draw before that block.
        self.keep_with_tail = 0.0
        self._widths: dict[tuple[str, str, float], float] = {}

    def width(self, text: str) -> float:
        key = (self.pdf.font_family, self.pdf.font_style, self.pdf.font_size_pt, text)
        if key not in self._widths:
            self._widths[key] = self.pdf.get_string_width(text)
        return self._widths[key]

    def wrap(self, text: str, width: float) -> list[str]:
        """Lines of `text` that fit `width` at the current font."""
        lines: list[str] = []
        for raw in text.splitlines() or [""]:
            line: list[str] = []
            used = 0.0
            for token in _tokens(raw):
                w = sum(self.width(ch) for ch in token)
                if used + w <= width + 0.01 or not line:
                    if w > width:  # a run longer than the line: break it by character
                        for ch in token:
                            cw = self.width(ch)
                            if used + cw > width + 0.01 and line:
                                lines.append("".join(line))
                                line, used = [], 0.0
                            line.append(ch)
                            used += cw
                        continue
                    line.append(token)
                    used += w
                    continue
                carried: list[str] = []
                if token in NO_START and len(line) > 1:
                    carried.append(line.pop())  # take the character before along
                while len(line) > 1 and line[-1] in NO_END:
                    carried.insert(0, line.pop())
                lines.append("".join(line))
                line = [*carried, token]
                used = sum(self.width(t) for t in line)
            lines.append("".join(line))
        return lines

    def ensure(self, height: float) -> None:
        if self.pdf.will_page_break(height):
            self.pdf.add_page()

    def line(self, text: str, *, x: float, width: float, justify: bool, align: str = "L"):
        pdf = self.pdf
        self.ensure(self.line_h)
        pdf.set_x(x)
        natural = self.width(text)
        gap = width - natural
        if justify and len(text) > 1 and 0 < gap < width * 0.25:
            pdf.set_char_spacing(gap / (len(text) - 1) * pdf.k)  # Tc is in points
        pdf.cell(width, self.line_h, text, align=align, new_x="LMARGIN", new_y="NEXT")
        pdf.set_char_spacing(0)

    def paragraph(self, text: str, *, indent: bool = True, align: str = "L", tail: float = 0.0):
        """`tail`: the height that must follow this paragraph on its page. The
        whole paragraph goes over with it when they fit one page together, else
        its last two lines do: the seal never stands on a page of its own."""
        blocks = [b.strip() for b in text.splitlines() if b.strip()]
        for n, block in enumerate(blocks):
            lines = self.wrap((INDENT if indent else "") + block, TEXT_W)
            keep_from = -1
            if tail and n == len(blocks) - 1:
                whole = len(lines) * self.line_h + tail
                keep_from = 0 if whole <= self.usable_height() else max(len(lines) - 2, 0)
            for i, line in enumerate(lines):
                if i == keep_from:
                    self.ensure((len(lines) - i) * self.line_h + tail)
                last = i == len(lines) - 1
                self.line(
                    line, x=LEFT, width=TEXT_W, justify=not last and align == "L", align=align
                )

    def usable_height(self) -> float:
        return PAGE_H - TOP - BOTTOM

    def heading(self, text: str):
        self.pdf.set_font("body", self.bold, BODY_PT)
        self.ensure(self.line_h * 2)
        for line in self.wrap(text, TEXT_W):
            self.line(line, x=LEFT, width=TEXT_W, justify=False)
        self.pdf.set_font("body", "", BODY_PT)

    def table(self, rows, *, tail: float = 0.0):
        """`tail`: the height that must follow the table on its page (the last
        row goes over with it)."""
        pdf = self.pdf
        label_w = 40.0
        value_w = TEXT_W - label_w
        pad = 1.6 if self.spacing >= SPACINGS[0] else 1.2
        row_line = BODY_PT * 0.92 * MM_PER_PT * 1.4
        pdf.set_font("body", "", BODY_PT * 0.92)
        pdf.set_draw_color(90, 90, 90)
        pdf.set_line_width(0.25)
        pdf.ln(2)
        rows = list(rows)
        for n, (label, value) in enumerate(rows):
            label_lines = self.wrap(str(label), label_w - 2 * pad)
            value_lines = self.wrap(str(value or "—"), value_w - 2 * pad)
            height = max(len(label_lines), len(value_lines)) * row_line + 2 * pad
            last = n == len(rows) - 1
            self.ensure(height + (tail + 2 if last and tail else 0))
            draw_table_row(
                pdf,
                left=LEFT,
                widths=(label_w, value_w),
                cells=(label_lines, value_lines),
                line_h=row_line,
                pad=pad,
                height=height,
            )
        pdf.ln(2)
        pdf.set_font("body", "", BODY_PT)

    def signatures(self, labels):
        pdf = self.pdf
        pdf.ln(4)
        date_label = _("Date")
        for i, label in enumerate(labels):
            last = i == len(labels) - 1
            # The last signature line goes over with the seal block, never the seal alone.
            self.ensure(self.line_h * 2 + (SEAL_BLOCK_H if last else 0))
            y = pdf.get_y() + self.line_h
            pdf.set_xy(LEFT, y)
            text = _("%(who)s: ") % {"who": label}
            pdf.cell(self.width(text), self.line_h, text)
            x = LEFT + self.width(text)
            line_y = y + self.line_h - 1.5
            pdf.line(x + 1, line_y, LEFT + TEXT_W * 0.6, line_y)
            dx = LEFT + TEXT_W * 0.64
            pdf.set_xy(dx, y)
            text = _("%(who)s: ") % {"who": date_label}
            pdf.cell(self.width(text), self.line_h, text)
            pdf.line(dx + self.width(text) + 1, line_y, LEFT + TEXT_W, line_y)
            pdf.set_xy(LEFT, y + self.line_h + 2)

    def signatures_height(self, labels) -> float:
        """The height `signatures` takes (its ln(4) and each line)."""
        return (4 + len(labels) * (2 * self.line_h + 2)) if labels else 0.0

    def seal_block(self, issuer: str, issued_on: dt.date, seal: bool):
        """Issuer and date at the bottom right (成文日期右空四字), the seal drawn over
        them as an outline (the real seal is applied to the printed copy)."""
        pdf = self.pdf
        radius = SEAL_R
        self.ensure(SEAL_BLOCK_H)
        date = chinese_date(issued_on)
        right = LEFT + TEXT_W - 2 * self.width("\u3000")
        block_w = max(self.width(issuer), self.width(date))
        centre_x = right - block_w / 2
        centre_y = pdf.get_y() + 3 + radius
        # The issuer just below the seal's centre, the date under it; the unit's name
        # runs along the upper arc, clear of both.
        for i, text in enumerate((issuer, date)):
            pdf.set_xy(right - block_w, centre_y - 4.2 + i * self.line_h * 0.9)
            pdf.cell(block_w, self.line_h, text, align="C")
        if seal:
            self._seal(issuer, centre_x, centre_y, radius)
        pdf.set_xy(LEFT, centre_y + radius + 4)

    def _seal(self, unit: str, cx: float, cy: float, radius: float):
        import math

        pdf = self.pdf
        pdf.set_draw_color(*SEAL_RED)
        pdf.set_text_color(*SEAL_RED)
        pdf.set_line_width(0.7)
        pdf.circle(cx, cy, radius, style="D")
        pdf.set_line_width(0.2)
        pdf.circle(cx, cy, radius - 1.3, style="D")
        # The unit's name along the upper arc (140 degrees), each character upright
        # towards the rim, as on a round official seal.
        text_r = radius - 4.6
        n = max(len(unit), 1)
        # A short name is not spread over the whole arc: about one character's width apart.
        span = min(math.radians(140), n * 5.2 / text_r)
        size_mm = min(4.6, text_r * span / n * 0.9)
        pdf.set_font("body", self.bold, size_mm / MM_PER_PT)
        for i, ch in enumerate(unit):
            angle = math.pi / 2 + span / 2 - (span * (i + 0.5) / n)
            x = cx + text_r * math.cos(angle)
            y = cy - text_r * math.sin(angle)
            with pdf.rotation(math.degrees(angle) - 90, x, y):
                pdf.text(x - self.width(ch) / 2, y + size_mm * 0.36, ch)
        label = _("(Seal)")
        pdf.set_font("body", "", 9)
        pdf.text(cx - self.width(label) / 2, cy + radius - 3.2, label)
        pdf.set_font("body", "", BODY_PT)
        pdf.set_text_color(0, 0, 0)
        pdf.set_draw_color(0, 0, 0)


def render_pdf(
    *,
    title: str,
    issuer: str,
    number: str = "",
    recipient: str = "",
    sections: list[Section],
    basis: str = "",
    issued_on: dt.date,
    seal: bool = True,
    signatures: list[str] | tuple = (),
    footer: str = "",
    copies: list[str] | tuple = (),
    watermark: str = "",
) -> bytes:
    """An A4 official document as PDF bytes. Raises FontUnavailable when no Chinese
    font is installed. The few words the renderer adds itself (page numbers, the
    seal label, "依据：") are in the active language: activate Chinese for an
    official document.

    `copies`: one mark per copy (e.g. "第2份（共3份）乙方李四收执") when the file is to
    hold every original of an instrument: the document is drawn once per copy, each
    copy starting on a new page, numbered on its own, its mark under the number and
    in the footer. The font is embedded once for all of them."""
    path, index = cjk_font()
    parts = dict(
        title=title,
        issuer=issuer,
        number=number,
        recipient=recipient,
        sections=sections,
        basis=basis,
        issued_on=issued_on,
        seal=seal,
        signatures=signatures,
    )
    marks = list(copies) or [""]
    # Lay one copy out (no output, so no font subsetting: cheap) at each spacing
    # until it takes no more pages than the tightest would: the loosest spacing
    # that needs the fewest pages. Every copy has the same layout.
    trials = []
    for spacing in SPACINGS:
        pdf, w = _new_document(
            path, index, title=title, issuer=issuer, issued_on=issued_on, spacing=spacing
        )
        pdf.add_page()
        _draw(pdf, w, mark=marks[0], **parts)
        trials.append((pdf.pages_count, spacing))
        if pdf.pages_count == 1:
            break
    pages, spacing = min(trials, key=lambda t: (t[0], -t[1]))
    pages_per_copy = pages if len(marks) > 1 else 0
    pdf, w = _new_document(
        path, index, title=title, issuer=issuer, issued_on=issued_on, spacing=spacing
    )
    pdf.footer_text = footer
    pdf.watermark = watermark
    pdf.copy_pages = pages_per_copy
    for mark in marks:
        pdf.add_page()  # draws the previous page's footer with the previous copy's mark
        pdf.copy_mark = mark
        pdf.copy_offset = pdf.page_no() - 1
        _draw(pdf, w, mark=mark, **parts)
    return bytes(pdf.output())


def _new_document(
    path: str,
    index: int,
    *,
    title: str,
    issuer: str,
    issued_on: dt.date,
    spacing: float = SPACINGS[0],
):
    Document = _document_class()
    pdf = Document(orientation="P", unit="mm", format="A4")
    pdf.set_margins(LEFT, TOP, RIGHT)
    pdf.set_auto_page_break(True, margin=BOTTOM)
    pdf.add_font("body", fname=path, collection_font_number=index)
    bold = _bold_variant(path)
    if bold:
        pdf.add_font("body", style="B", fname=bold[0], collection_font_number=bold[1])
    pdf.set_title(title)
    pdf.set_author(issuer)
    pdf.set_creator("Xinfang")
    pdf.set_lang("zh-CN")
    pdf.set_creation_date(
        dt.datetime.combine(issued_on, dt.time(9), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    )
    pdf.page_label = _("Page %(page)s of %(pages)s")
    pdf.alias_nb_pages("{nb}")
    return pdf, _Writer(pdf, has_bold=bold is not None, spacing=spacing)


def _draw(
    pdf,
    w: _Writer,
    *,
    title: str,
    issuer: str,
    number: str,
    recipient: str,
    sections: list[Section],
    basis: str,
    issued_on: dt.date,
    seal: bool,
    signatures,
    mark: str,
) -> None:
    """One copy of the document, from the top of the current page."""
    # 版头: the issuing unit in red over a red rule.
    size = 24.0
    pdf.set_font("body", w.bold, size)
    while w.width(issuer) > TEXT_W and size > 12:
        size -= 1
        pdf.set_font("body", w.bold, size)
    pdf.set_text_color(*RED)
    pdf.set_x(LEFT)
    pdf.cell(TEXT_W, size * MM_PER_PT * 1.6, issuer, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.8)
    y = pdf.get_y() + 2
    pdf.line(LEFT, y, LEFT + TEXT_W, y)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_y(y + 6)

    # The title, centred, and the number (and the copy's mark) under it.
    pdf.set_font("body", w.bold, 22)
    for line in w.wrap(title, TEXT_W):
        pdf.set_x(LEFT)
        pdf.cell(TEXT_W, 22 * MM_PER_PT * 1.5, line, align="C", new_x="LMARGIN", new_y="NEXT")
    for text in (number, mark):
        if text:
            pdf.set_font("body", "", 12)
            pdf.set_x(LEFT)
            pdf.cell(TEXT_W, 8, text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)

    pdf.set_font("body", "", BODY_PT)
    if basis:
        basis = _("Basis: %(basis)s") % {"basis": basis}
    # The tail -- basis, signature lines, issuer, date and seal -- stays on one
    # page, and the last block of the body (its last paragraph, or the last row
    # of its table) goes over with it: the seal never stands on a page of its own.
    basis_h = len(w.wrap(INDENT + basis, TEXT_W)) * w.line_h if basis else 0.0
    tail = basis_h + w.signatures_height(signatures) + SEAL_BLOCK_H
    if tail > w.usable_height() * 0.8:
        tail = 0.0  # a tail longer than a page breaks where it must
    if recipient:
        w.paragraph(
            _("%(recipient)s:") % {"recipient": recipient},
            indent=False,
            tail=tail if not any(x.paragraphs or x.fields for x in sections) else 0.0,
        )
    for n, section in enumerate(sections):
        last_section = n == len(sections) - 1
        if section.heading:
            w.heading(section.heading)
        for i, text in enumerate(section.paragraphs):
            last = last_section and not section.fields and i == len(section.paragraphs) - 1
            w.paragraph(text, tail=tail if last else 0.0)
        if section.fields:
            w.table(section.fields, tail=tail if last_section else 0.0)
    if tail:
        w.ensure(tail)
    elif basis and not signatures:
        w.ensure(basis_h + SEAL_BLOCK_H)
    if basis:
        w.paragraph(basis)
    if signatures:
        w.signatures(signatures)
    w.seal_block(issuer, issued_on, seal)
