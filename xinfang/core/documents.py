"""Official documents as A4 PDFs (书面告知, 调解协议书, ...): one renderer for every area.

Layout of a Chinese official document (after GB/T 9704, simplified): the
issuing unit in red at the top over a red rule, the title centred and large,
the document's number under it, the addressee ("张三："), the body with a
two-character first-line indent, a table of label/value rows, the legal basis,
signature lines, and the seal block bottom right (issuer and date, a circle
outline standing for the seal). Pages are numbered "第 1 页 共 N 页".

fpdf2 (pure Python) embeds the subset of the CJK font that the text uses, so the
PDF shows the same glyphs on every reader. Which font: XINFANG_PDF_FONT, else
Noto Serif CJK SC, Noto Sans CJK SC, or any installed font that covers Chinese
(Debian: fonts-noto-cjk). Without one, FontUnavailable says what to install;
views answer it with 503, never a 500.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import law
from .exceptions import DomainError

FONT_ENV = "XINFANG_PDF_FONT"

# fontTools reports every subsetting step at INFO: noise in the application log.
logging.getLogger("fontTools").setLevel(logging.WARNING)

# Text every Chinese document needs; a font that lacks one of these is no CJK font.
_PROBE = "信访事项受理告知书年月日（印章）：，。第页共"

# Families in the order we prefer them: a serif (宋体-like) face reads as an
# official document; the sans face is the next best.
_PREFERRED = ("Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", "Source Han Sans SC")

# Where Debian, Ubuntu, Fedora and Alpine put CJK fonts when fontconfig is absent.
_KNOWN_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


class FontUnavailable(DomainError):
    """No font that can write Chinese is installed: the PDF cannot be made (503)."""

    default_message = gettext_lazy(
        "No Chinese font is installed for PDF documents: install Debian's fonts-noto-cjk "
        "or set XINFANG_PDF_FONT=/path/to/font."
    )
    status_code = 503


# --- the font -----------------------------------------------------------------------


def _faces(path: str) -> list[tuple[int, str]]:
    """(index, family name) of each face in a font file (several in a .ttc)."""
    from fontTools.ttLib import TTCollection, TTFont

    if path.lower().endswith((".ttc", ".otc")):
        collection = TTCollection(path, lazy=True)
        fonts = list(enumerate(collection.fonts))
    else:
        fonts = [(0, TTFont(path, lazy=True))]
    faces = []
    for index, font in fonts:
        name = font["name"]
        family = name.getDebugName(16) or name.getDebugName(1) or ""
        faces.append((index, family))
    return faces


def _sc_face(path: str, family: str = "") -> int | None:
    """The face of `path` for Simplified Chinese: the named family, else one whose
    name says SC / GB / Simplified, else the only face; None if unreadable."""
    try:
        faces = _faces(path)
    except Exception:  # not a font fontTools can read: try the next candidate
        return None
    if family:
        for index, name in faces:
            if name == family:
                return index
    for index, name in faces:
        words = name.replace("-", " ").split()
        if "SC" in words or "GB" in words or "Simplified" in name or "简" in name:
            return index
    return faces[0][0] if faces else None


@functools.lru_cache(maxsize=32)
def _cmap(path: str, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=index, lazy=True)
    return frozenset(font.getBestCmap() or {})


def _covers(path: str, index: int, text: str = _PROBE) -> bool:
    try:
        cmap = _cmap(path, index)
    except Exception:  # unreadable: not our font
        return False
    return all(ord(ch) in cmap for ch in text)


def _fc_match(pattern: str) -> tuple[str, str] | None:
    """(file, family) that fontconfig picks for `pattern`, if fontconfig is present."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        out = subprocess.run(
            [fc_match, "-f", "%{file}\n%{family[0]}", pattern],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    file, _sep, family = out.partition("\n")
    return (file, family) if file else None


def _candidate(path: str, family: str = "") -> tuple[str, int] | None:
    if not path or not Path(path).is_file():
        return None
    index = _sc_face(path, family)
    if index is not None and _covers(path, index):
        return path, index
    return None


@functools.lru_cache(maxsize=8)
def _find_font(override: str) -> tuple[str, int]:
    if override:
        found = _candidate(override)
        if found is None:
            raise FontUnavailable(
                _(
                    "The font set in XINFANG_PDF_FONT (%(path)s) is missing or cannot write "
                    "Chinese: install Debian's fonts-noto-cjk or set XINFANG_PDF_FONT=/path/to/font."
                )
                % {"path": override}
            )
        return found
    for family in _PREFERRED:
        match = _fc_match(family)
        # fc-match always answers something (DejaVu at worst): take it only if it
        # is the family asked for.
        if match and match[1] == family:
            found = _candidate(match[0], family)
            if found:
                return found
    for path in _KNOWN_PATHS:
        found = _candidate(path)
        if found:
            return found
    match = _fc_match(":lang=zh-cn")
    if match:
        found = _candidate(*match)
        if found:
            return found
    raise FontUnavailable()


def cjk_font() -> tuple[str, int]:
    """(path, face index) of the font the documents are written in.

    XINFANG_PDF_FONT overrides; else Noto Serif CJK SC, Noto Sans CJK SC, or any
    font covering Chinese, found through fc-match or the usual paths. In a .ttc
    the Simplified Chinese face is chosen by its name. Cached per override value.
    Raises FontUnavailable."""
    return _find_font(os.environ.get(FONT_ENV, "").strip())


def _bold_variant(path: str) -> tuple[str, int] | None:
    """The bold sibling of the regular file (NotoSerifCJK-Bold.ttc), if installed."""
    name = Path(path).name
    if "Regular" not in name:
        return None
    bold = str(Path(path).with_name(name.replace("Regular", "Bold")))
    return _candidate(bold)


def missing_glyphs(text: str) -> set[str]:
    """The characters of `text` that the document font has no glyph for (would show as
    boxes). Whitespace and control characters are not drawn, so not counted."""
    path, index = cjk_font()
    cmap = _cmap(path, index)
    return {ch for ch in set(text) if not ch.isspace() and ch.isprintable() and ord(ch) not in cmap}


# --- dates ----------------------------------------------------------------------------


def chinese_date(value: dt.date | str | None) -> str:
    """2026年11月28日: the date as official documents write it (GB/T 9704)."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value.year}年{value.month}月{value.day}日"


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
            y = pdf.get_y()
            pdf.set_fill_color(244, 244, 244)
            pdf.rect(LEFT, y, label_w, height, style="DF")
            pdf.rect(LEFT + label_w, y, value_w, height, style="D")
            for i, text in enumerate(label_lines):
                pdf.set_xy(LEFT + pad, y + pad + i * row_line)
                pdf.cell(label_w - 2 * pad, row_line, text)
            for i, text in enumerate(value_lines):
                pdf.set_xy(LEFT + label_w + pad, y + pad + i * row_line)
                pdf.cell(value_w - 2 * pad, row_line, text)
            pdf.set_xy(LEFT, y + height)
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


# --- kinds of document and their editable templates -------------------------------------


@dataclass(frozen=True)
class DocumentKind:
    """A kind of document whose wording lives in a NoticeTemplate row.

    `placeholders` maps each variable the template may use to what it holds;
    `sample` returns the keyword arguments of render_template_pdf (without the
    template's own text) for the administrator's preview."""

    code: str
    label: object
    placeholders: dict
    sample: object = None


DOCUMENT_KINDS: dict[str, DocumentKind] = {}


def register_document_kind(code: str, label, *, placeholders: dict, sample=None) -> DocumentKind:
    """Make `code` a kind a NoticeTemplate may have (called from an app's ready())."""
    kind = DocumentKind(code, label, dict(placeholders), sample)
    DOCUMENT_KINDS[code] = kind
    return kind


def validate_document_kind(value: str) -> None:
    from django.core.exceptions import ValidationError

    if value not in DOCUMENT_KINDS:
        raise ValidationError(
            _("Unknown kind of document: %(kind)s. Known kinds: %(kinds)s.")
            % {"kind": value, "kinds": ", ".join(sorted(DOCUMENT_KINDS)) or "-"},
            code="unknown_kind",
        )


@functools.cache
def _engine():
    from django.template import Engine

    # No loaders and no libraries: an administrator's text can use the built-in
    # tags and filters on the context given, and reach nothing else. The output is
    # PDF text, not HTML, so nothing is escaped.
    return Engine(debug=False, autoescape=False, loaders=[], libraries={})


_KEYWORDS = {"and", "or", "not", "in", "is", "None", "True", "False", "forloop", "empty"}


def _names_used(source: str) -> set[str]:
    """Root names of the variables a template reads (approximate, for a clear error
    about a mistyped placeholder; the template engine itself never fails on one)."""
    import re

    names = set(re.findall(r"\{\{\s*([A-Za-z_]\w*)", source))
    local: set[str] = set()
    for tag in re.findall(r"\{%\s*(.*?)\s*%\}", source, flags=re.S):
        word, _sep, rest = tag.partition(" ")
        rest = re.sub(r"\"[^\"]*\"|'[^']*'|\|\w+(:\S+)?", " ", rest)
        if word in ("if", "elif"):
            names |= set(re.findall(r"(?<![\w.])([A-Za-z_]\w*)", rest))
        elif word == "for":
            loop_vars, _in, iterable = rest.partition(" in ")
            local |= set(re.findall(r"[A-Za-z_]\w*", loop_vars))
            names |= set(re.findall(r"(?<![\w.])([A-Za-z_]\w*)", iterable))
        elif word == "with":
            local |= set(re.findall(r"([A-Za-z_]\w*)=", rest))
    return names - local - _KEYWORDS


def template_errors(kind: str, **texts: str) -> dict[str, list[str]]:
    """Errors of the template texts given as field=text (title, body, basis), per
    field: syntax errors, and placeholders that the kind does not have. Empty when
    all is well."""
    from django.template import TemplateSyntaxError

    errors: dict[str, list[str]] = {}
    spec = DOCUMENT_KINDS.get(kind)
    for name, source in texts.items():
        try:
            _engine().from_string(source or "")
        except TemplateSyntaxError as exc:
            errors.setdefault(name, []).append(
                _("The template is not valid: %(error)s") % {"error": str(exc)}
            )
            continue
        if spec is not None and spec.sample is not None:
            try:
                render_text(source or "", spec.sample()["context"])
            except Exception as exc:  # e.g. {% include %}: there is nothing to include
                errors.setdefault(name, []).append(
                    _("The template cannot be rendered: %(error)s") % {"error": str(exc)}
                )
                continue
        if spec is not None:
            unknown = sorted(_names_used(source or "") - set(spec.placeholders))
            if unknown:
                errors.setdefault(name, []).append(
                    _("Unknown placeholder: %(names)s. This kind has: %(known)s.")
                    % {
                        "names": ", ".join(unknown),
                        "known": ", ".join(sorted(spec.placeholders)),
                    }
                )
        unknown_bases = sorted(set(re.findall(r"\blaw\.(\w+)", source or "")) - set(law.BASES))
        if unknown_bases:
            errors.setdefault(name, []).append(
                _("Unknown legal basis: %(names)s. The law table has: %(known)s.")
                % {"names": ", ".join(unknown_bases), "known": ", ".join(sorted(law.BASES))}
            )
    return errors


def render_text(source: str, context: dict) -> str:
    """A template text rendered with `context` (plain text, nothing escaped)."""
    from django.template import Context

    return _engine().from_string(source or "").render(Context(context, autoescape=False)).strip()


def render_template_pdf(
    *,
    title: str,
    body: str,
    basis: str = "",
    context: dict,
    issuer: str,
    number: str = "",
    recipient: str = "",
    issued_on: dt.date,
    fields: list[tuple[str, str]] | tuple = (),
    signatures: list[str] | tuple = (),
    footer: str = "",
    seal: bool = True,
    watermark: str = "",
) -> bytes:
    """A document from an editable template: title, body (one paragraph a line) and
    basis are rendered with `context`, then laid out by render_pdf (`watermark`: a
    draft's mark across every page)."""
    paragraphs = [line.strip() for line in render_text(body, context).splitlines()]
    return render_pdf(
        title=render_text(title, context),
        issuer=issuer,
        number=number,
        recipient=recipient,
        sections=[Section(paragraphs=[p for p in paragraphs if p], fields=list(fields))],
        basis=render_text(basis, context),
        issued_on=issued_on,
        seal=seal,
        signatures=signatures,
        footer=footer,
        watermark=watermark,
    )


def pdf_response(content: bytes, *, filename: str, ascii_filename: str):
    """An HttpResponse that downloads `content` as a PDF: an ASCII file name for
    old clients and the real (Chinese) one as filename* (RFC 6266)."""
    from urllib.parse import quote

    from django.http import HttpResponse

    response = HttpResponse(content, content_type="application/pdf")
    safe = ascii_filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    response["Content-Disposition"] = (
        f"attachment; filename=\"{safe}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    # The petitioner's own document: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


def document_kind_choices() -> list[tuple[str, str]]:
    """(code, label) of each registered kind, in the order of their codes."""
    return [(code, kind.label) for code, kind in sorted(DOCUMENT_KINDS.items())]


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
        y = pdf.get_y()
        pdf.set_fill_color(244, 244, 244)
        pdf.rect(left, y, label_w, height, style="DF")
        pdf.rect(left + label_w, y, value_w, height, style="D")
        for i, text in enumerate(label_lines):
            pdf.set_xy(left + pad, y + pad + i * line_h)
            pdf.cell(label_w - 2 * pad, line_h, text)
        for i, text in enumerate(value_lines):
            pdf.set_xy(left + label_w + pad, y + pad + i * line_h)
            pdf.cell(value_w - 2 * pad, line_h, text)
        pdf.set_xy(left, y + height)

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
