"""The CJK font of the official documents: found, checked, or what to install (FontUnavailable)."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import shutil
import subprocess
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..exceptions import DomainError

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
