"""The agreement PDF (人民调解协议书): Chinese text, parties, terms, signatures."""

import pypdfium2
import pytest

from xinfang.core.documents import FontUnavailable, cjk_font
from xinfang.core.models import SecurityRecord
from xinfang.mediation import services
from xinfang.mediation.documents import agreement_pdf

from .case_fixtures import *  # noqa: F403  (the fixtures med, new_dispute)
from .case_fixtures import LAND_COMMITTEE, agree, consent_all


def _text(data: bytes) -> str:
    doc = pypdfium2.PdfDocument(data)
    return "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def _font_or_skip():
    try:
        cjk_font()
    except FontUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture
def agreement(med, new_dispute, travel):
    travel("2026-03-02")
    dispute = new_dispute()
    land = med["units"][LAND_COMMITTEE]
    case = services.case_open(
        actor=med["handler_a"],
        dispute_id=dispute.pk,
        body=land,
        mediators=[med["roster"]["land"].pk],
    )
    consent_all(case, med["land"])
    return agree(case, med["land"])


def test_the_pdf_holds_title_parties_terms_and_signature_blocks(med, agreement):
    _font_or_skip()
    data = agreement_pdf(agreement, user=med["land"])
    assert data.startswith(b"%PDF")
    text = _text(data).replace("\r", "").replace("\n", "")
    for expected in (
        "人民调解协议书",
        "舞钢市土地纠纷人民调解委员会",
        "张大山",
        "李小河",
        "拆除越界围墙",
        "2000元",
        "2026年3月31日",
        "一式三份",
        "第三十三条",
        "甲方",
        "乙方",
        "人民调解员",
        "孙调解",
        "2026年4月1日",  # the judicial-confirmation window (30 days after 03-02)
    ):
        assert expected in text, expected
    page = pypdfium2.PdfDocument(data)[0]
    width, height = page.get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 in points


def test_personal_data_in_full_is_on_the_security_record(med, agreement):
    _font_or_skip()
    before = SecurityRecord.objects.count()
    text = _text(agreement_pdf(agreement, user=med["land"]))
    assert "11010519491231002X" in text.replace("\n", "")
    assert SecurityRecord.objects.count() > before


def test_without_a_chinese_font_it_says_what_to_install(med, agreement, monkeypatch):
    from xinfang.mediation import documents

    def no_font(**kw):
        raise FontUnavailable()

    monkeypatch.setattr(documents, "render_pdf", no_font)
    with pytest.raises(FontUnavailable) as exc:
        agreement_pdf(agreement, user=med["land"])
    assert exc.value.status_code == 503
