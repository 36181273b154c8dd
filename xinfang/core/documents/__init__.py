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

from .fonts import (  # noqa: F401
    _KNOWN_PATHS,
    _PREFERRED,
    _PROBE,
    FONT_ENV,
    FontUnavailable,
    _bold_variant,
    _candidate,
    _cmap,
    _covers,
    _faces,
    _fc_match,
    _find_font,
    _sc_face,
    chinese_date,
    cjk_font,
    missing_glyphs,
)
from .layout import (  # noqa: F401
    _WORD,
    BODY_PT,
    INDENT,
    LINE_H,
    MM_PER_PT,
    NO_END,
    NO_START,
    RED,
    SEAL_BLOCK_H,
    SEAL_R,
    SEAL_RED,
    SPACINGS,
    TEXT_W,
    Section,
    _document_class,
    _draw,
    _new_document,
    _tokens,
    _Writer,
    render_pdf,
)
from .receipts import (  # noqa: F401
    RECEIPT_MARGIN,
    RECEIPT_PAGES,
    ReceiptPart,
    _cut_line,
    _receipt_part,
    render_receipt_pdf,
)
from .templates import (  # noqa: F401
    _KEYWORDS,
    DOCUMENT_KINDS,
    DocumentKind,
    _engine,
    _names_used,
    document_kind_choices,
    pdf_response,
    register_document_kind,
    render_template_pdf,
    render_text,
    template_errors,
    validate_document_kind,
)
