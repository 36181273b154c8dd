"""The agreement PDF (人民调解协议书): Chinese text, parties, terms, signatures;
one original per party plus the committee's; the committee's seal; nothing the
parties did not say."""

import pypdfium2
import pytest

from xinfang.core import law
from xinfang.core.documents import FontUnavailable, cjk_font
from xinfang.core.exceptions import NotFound
from xinfang.core.models import SecurityRecord
from xinfang.mediation import services
from xinfang.mediation.documents import agreement_pdf
from xinfang.mediation.selectors import committee_name

from .case_fixtures import (
    CENTRE_A,
    CITY_CENTRE,
    LAND_COMMITTEE,
    PARTIES,
    ROOM_A,
    agree,
    consent_all,
)


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
        law.cite("judicial_confirmation"),
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


def _pages(data: bytes) -> list[str]:
    doc = pypdfium2.PdfDocument(data)
    return [
        doc[i].get_textpage().get_text_range().replace("\r", "").replace("\n", "")
        for i in range(len(doc))
    ]


def _case_at(med, new_dispute, code, mediator, **dispute_kw):
    dispute = new_dispute(**dispute_kw)
    case = services.case_open(
        actor=med["handler_a"], dispute_id=dispute.pk, body=med["units"][code]
    )
    return consent_all(case, med[mediator])


@pytest.mark.parametrize("parties, n", [(2, "三"), (3, "四")])
def test_one_original_per_party_and_one_the_committee_keeps(med, new_dispute, travel, parties, n):
    _font_or_skip()
    travel("2026-03-02")
    people = [dict(p) for p in PARTIES] + [{"name": "王老三", "role": "respondent"}]
    case = _case_at(med, new_dispute, LAND_COMMITTEE, "land", parties=people[:parties])
    data = agreement_pdf(agree(case, med["land"]), user=med["land"])
    text = "".join(_pages(data))
    count_line = f"本协议书一式{n}份，当事人各执一份，人民调解委员会留存一份"
    # Every original is in the file, each saying how many there are and whose it is.
    copies = parties + 1
    assert text.count(count_line) == copies
    holders = ["甲方张大山收执", "乙方李小河收执", "乙方王老三收执"][:parties]
    holders.append("舞钢市土地纠纷人民调解委员会留存")
    for x, holder in enumerate(holders, start=1):
        mark = f"第{law.chinese_number(x)}份（共{n}份）"
        assert text.count(mark) >= 1 and holder in text, (mark, holder)
    assert "一式三份，双方当事人" not in text  # the old fixed line, wrong for 3 parties
    # Each original is numbered on its own: its pages are 1..k of k, not of the file's.
    pages = _pages(data)
    per_copy = len(pages) // copies
    assert len(pages) == per_copy * copies
    assert (
        f"第 1 页 共 {per_copy} 页" in pages[per_copy] or f"第1页共{per_copy}页" in pages[per_copy]
    )
    # One original again, on its own: the committee's.
    one = "".join(_pages(agreement_pdf(case.agreement, user=med["land"], copy=copies)))
    assert one.count(count_line) == 1 and "舞钢市土地纠纷人民调解委员会留存" in one
    assert "甲方张大山收执" not in one
    with pytest.raises(NotFound):
        agreement_pdf(case.agreement, user=med["land"], copy=copies + 1)


def test_the_seal_block_names_the_peoples_mediation_committee(med, new_dispute, travel):
    _font_or_skip()
    travel("2026-03-02")
    case = _case_at(med, new_dispute, CENTRE_A, "centre_a")
    pages = _pages(agreement_pdf(agree(case, med["centre_a"]), user=med["centre_a"]))
    last = pages[len(pages) // 3 - 1]  # the last page of the first original: its seal block
    # The township's committee, not its government nor the centre that houses it.
    assert "八台镇人民调解委员会" in last
    text = "".join(pages)
    assert "八台镇群众诉求纠纷调解中心" not in text
    assert "人民政府" not in text


def test_the_committee_of_each_kind_of_body(med):
    u = med["units"]
    assert committee_name(u[CENTRE_A]) == "八台镇人民调解委员会"
    assert committee_name(u[CITY_CENTRE]) == "舞钢市人民调解委员会"
    village = u[ROOM_A].parent
    assert committee_name(u[ROOM_A]) == f"八台镇{village.name}人民调解委员会"
    assert committee_name(u[LAND_COMMITTEE]) == "舞钢市土地纠纷人民调解委员会"
    room = u[ROOM_A]
    room.formal_name = "八台镇某村人民调解委员会"
    assert committee_name(room) == "八台镇某村人民调解委员会"  # the administrator's word


def test_nothing_is_written_that_the_parties_did_not_say(med, new_dispute, travel):
    _font_or_skip()
    travel("2026-03-02")
    case = _case_at(med, new_dispute, LAND_COMMITTEE, "land")
    # A written agreement in which the parties stated no responsibility, and a term
    # with no manner nor date of performance.
    agreement = agree(
        case,
        med["land"],
        responsibilities="",
        terms=[{"text": "双方按现有围墙确定宅基地边界"}],
    )
    text = "".join(_pages(agreement_pdf(agreement, user=med["land"])))
    assert "双方按现有围墙确定宅基地边界" in text
    for invented in ("无过错", "各方责任", "履行方式", "履行期限", "回访", "双方当事人自愿"):
        assert invented not in text, invented
