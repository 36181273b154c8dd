"""What the supervision tests share (constants and small helpers)."""

import pypdfium2

DAY = "2026-11-02"
VALID_ID = "11010519491231002X"


def pdf_text(data: bytes) -> str:
    doc = pypdfium2.PdfDocument(data)
    return "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
