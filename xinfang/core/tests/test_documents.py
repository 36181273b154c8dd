"""The document renderer: the font it finds, Chinese that wraps by the rules and
flows over pages, the seal block, and the editable templates' checks."""

import datetime as dt
import re
from itertools import pairwise

import pytest
from django.utils import translation

from xinfang.core import documents
from xinfang.core.documents import (
    FontUnavailable,
    Section,
    chinese_date,
    cjk_font,
    fonts,
    missing_glyphs,
    render_pdf,
    template_errors,
)

pdfium = pytest.importorskip("pypdfium2")


@pytest.fixture
def font():
    try:
        return cjk_font()
    except FontUnavailable as exc:
        pytest.skip(str(exc))


def pages_text(content: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(content)
    return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]


PARAGRAPH = (
    "经调查核实，该公司自2026年6月起拖欠张三等十二名工人工资共计人民币八万六千元，"
    "其行为违反了《劳动合同法》第三十条的规定。本机关已责令该公司于十日内足额支付，"
    "并将持续跟踪落实情况；如该公司逾期仍不支付，将依法移送劳动保障监察机构处理。"
)


def test_it_chooses_the_simplified_chinese_face_by_its_name(font):
    from fontTools.ttLib import TTFont

    path, index = font
    name = TTFont(path, fontNumber=index, lazy=True)["name"]
    family = name.getDebugName(16) or name.getDebugName(1)
    assert "CJK" not in family or family.endswith("SC"), family
    assert missing_glyphs("信访事项受理告知书（印章）第页共２０２６年") == set()


def test_a_missing_override_font_says_what_to_install(monkeypatch):
    monkeypatch.setenv("XINFANG_PDF_FONT", "/nonexistent/font.ttc")
    with pytest.raises(FontUnavailable) as raised:
        cjk_font()
    assert "fonts-noto-cjk" in str(raised.value) and "/nonexistent/font.ttc" in str(raised.value)
    assert raised.value.status_code == 503


def test_without_any_font_the_error_names_the_package(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "_KNOWN_PATHS", ())
    monkeypatch.setattr(fonts, "_fc_match", lambda pattern: None)
    fonts._find_font.cache_clear()
    try:
        with pytest.raises(FontUnavailable) as raised:
            fonts._find_font("")
    finally:
        fonts._find_font.cache_clear()
    assert "fonts-noto-cjk" in str(raised.value)


def test_missing_glyphs_names_what_the_font_cannot_draw(font):
    assert missing_glyphs("张三 2026年\n") == set()
    assert missing_glyphs("\U0001f600") == {"\U0001f600"}  # an emoji: no CJK font has it


def test_chinese_dates():
    assert chinese_date(dt.date(2026, 11, 28)) == "2026年11月28日"
    assert chinese_date("2027-01-05") == "2027年1月5日"
    assert chinese_date(None) == ""


def test_a_long_document_flows_over_pages_with_every_part(font, tmp_path):
    with translation.override("en"):
        content = render_pdf(
            title="人民调解协议书",
            issuer="舞钢市八台镇人民调解委员会",
            number="八调〔2026〕12号",
            recipient="张三、李四",
            sections=[
                Section(heading="一、纠纷事实", paragraphs=[PARAGRAPH] * 8),
                Section(
                    heading="二、协议内容",
                    paragraphs=[PARAGRAPH],
                    fields=[("当事人", "张三、李四"), ("履行期限", "2026年12月31日前")],
                ),
            ],
            basis="《中华人民共和国人民调解法》第二十八条、第二十九条",
            issued_on=dt.date(2026, 11, 28),
            signatures=["甲方（签名）", "乙方（签名）", "调解员（签名）"],
            footer="本协议书一式三份",
        )
    texts = pages_text(content)
    assert len(texts) >= 2
    everything = re.sub(r"\s+", "", "".join(texts))
    for expected in (
        "舞钢市八台镇人民调解委员会",
        "人民调解协议书",
        "八调〔2026〕12号",
        "张三、李四:",
        "一、纠纷事实",
        "二、协议内容",
        "履行期限",
        "Basis:《中华人民共和国人民调解法》第二十八条",
        "甲方（签名）:",
        "调解员（签名）:",
        "2026年11月28日",
        "本协议书一式三份",
        f"Page1of{len(texts)}",
        f"Page{len(texts)}of{len(texts)}",
    ):
        assert expected in everything, expected
    assert everything.count(re.sub(r"\s", "", PARAGRAPH)) + everything.count("工资共计") >= 9
    assert missing_glyphs("".join(texts)) == set()
    pdf = pdfium.PdfDocument(content)
    pdf[len(texts) - 1].render(scale=1.5).to_pil().save(tmp_path / "last-page.png")


def test_no_line_begins_with_closing_punctuation_nor_splits_a_number(font):
    numbers = "编号410481-2026-000012，金额86000元；" * 12
    content = render_pdf(
        title="测试",
        issuer="测试单位",
        sections=[Section(paragraphs=[PARAGRAPH * 3, "短句，" * 60, numbers])],
        issued_on=dt.date(2026, 11, 28),
        seal=False,
    )
    lines = [line.strip() for page in pages_text(content) for line in page.splitlines()]
    lines = [line for line in lines if line]
    assert len(lines) > 20
    assert not [line for line in lines if line[:1] in "，。、；：）》」"]
    # Digits that belong together stay on one line (a break may follow a hyphen).
    split = [(a, b) for a, b in pairwise(lines) if a[-1:].isdigit() and b[:1].isdigit()]
    assert not split, split


def test_the_seal_block_carries_issuer_and_date(font, tmp_path):
    content = render_pdf(
        title="信访事项受理告知书",
        issuer="舞钢市八台镇人民政府",
        sections=[Section(paragraphs=["正文。"])],
        issued_on=dt.date(2026, 11, 28),
    )
    text = re.sub(r"\s+", "", pages_text(content)[0])
    # The issuer twice in the block (line and seal) besides the header, the date once.
    assert text.count("舞钢市八台镇人民政府") >= 2 and "2026年11月28日" in text
    image = pdfium.PdfDocument(content)[0].render(scale=1).to_pil().convert("RGB")
    image.save(tmp_path / "seal.png")
    width, height = image.size
    reds = sum(
        1
        for r, g, b in image.crop((width // 2, 0, width, height)).get_flattened_data()
        if r > 180 and g < 110 and b < 110
    )
    assert reds > 300  # the red header and the seal's outline


def test_template_errors_are_clear_and_per_field():
    documents.register_document_kind(
        "test_kind", "test", placeholders={"petitioner": "", "number": ""}
    )
    try:
        assert template_errors("test_kind", body="{{ petitioner }}：{{ number }}") == {}
        with translation.override("en"):
            errors = template_errors("test_kind", body="{% if petitioner %}", title="{{ numbr }}")
        assert "not valid" in errors["body"][0]
        assert "numbr" in errors["title"][0] and "number" in errors["title"][0]
        loops = "{% for x in number %}{{ x }}{% endfor %}{% with y=number %}{{ y }}{% endwith %}"
        assert template_errors("test_kind", body=loops) == {}
    finally:
        documents.DOCUMENT_KINDS.pop("test_kind")


def test_an_unknown_kind_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        documents.validate_document_kind("no_such_kind")
    documents.validate_document_kind("accept")  # registered by petitions


def test_copies_are_each_a_whole_document_numbered_on_their_own(font):
    parts = dict(
        title="人民调解协议书",
        issuer="八台镇人民调解委员会",
        sections=[Section(paragraphs=[PARAGRAPH] * 6)],
        issued_on=dt.date(2026, 11, 28),
        signatures=["甲方", "乙方"],
    )
    with translation.override("en"):
        one = pages_text(render_pdf(**parts))
        three = pages_text(render_pdf(**parts, copies=["第一份", "第二份", "第三份"]))
    k = len(one)
    assert k >= 2 and len(three) == 3 * k
    for c, mark in enumerate(["第一份", "第二份", "第三份"]):
        for page in range(k):
            text = re.sub(r"\s+", "", three[c * k + page])
            assert f"Page{page + 1}of{k}" in text  # not "of 3k": each original on its own
            assert mark in text  # the footer says whose copy every page belongs to
        assert "人民调解协议书" in three[c * k]  # each copy starts with its title


NOTICE_FIELDS = [
    ("信访事项编号", "410481-2026-000012"),
    ("信访人", "张三"),
    ("收到日期", "2026年11月10日"),
    ("作出日期", "2026年11月30日"),
    ("处理意见", "支持"),
    ("请求复查截止日期", "2026年12月30日"),
]
NOTICE_BASIS = "《信访工作条例》第二十三条第三款；《信访工作条例》第三十四条"


def notice(paragraphs, *, fields=NOTICE_FIELDS, signatures=()):
    with translation.override("zh-hans"):
        return pages_text(
            render_pdf(
                title="信访事项处理意见书",
                issuer="舞钢市八台镇人民政府",
                number="410481-2026-000012",
                recipient="张三",
                sections=[Section(paragraphs=paragraphs, fields=fields)],
                basis=NOTICE_BASIS,
                issued_on=dt.date(2026, 11, 30),
                signatures=signatures,
                footer="信访事项410481-2026-000012",
            )
        )


def test_a_two_paragraph_notice_fits_one_a4_page(font):
    # At the loosest spacing this spilled the basis and the seal onto a second
    # page of their own (issue 11); a little tighter it fits one page.
    texts = notice([PARAGRAPH, PARAGRAPH + PARAGRAPH[:42]])
    assert len(texts) == 1
    text = re.sub(r"\s+", "", texts[0])
    for part in (
        "张三：",
        "请求复查截止日期",
        "依据：《信访工作条例》",
        "2026年11月30日",
        "（印章）",
    ):
        assert part in text, part


SIGNED = ("信访人（签收）",)


# Each of these left the basis and the seal (and the signature line) alone on
# the last page before (issue 11): two long paragraphs, with or without a table.
@pytest.mark.parametrize(
    ("n", "fields", "signatures"),
    [
        (2, (), ()),
        (2, (), SIGNED),
        (5, NOTICE_FIELDS, ()),
        (6, (), SIGNED),
        (8, NOTICE_FIELDS, SIGNED),
    ],
)
def test_the_basis_and_seal_are_never_alone_on_the_last_page(font, n, fields, signatures):
    texts = notice([PARAGRAPH * 2] * n, fields=fields, signatures=signatures)
    last = re.sub(r"\s+", "", texts[-1])
    before_basis = last.split("依据：")[0]
    # Body text (the last paragraph or the last row of the table) comes first.
    assert before_basis and not before_basis.startswith("舞钢市八台镇人民政府2026年"), last
    assert "（印章）" in last and "依据：" in last
    assert all("（印章）" not in re.sub(r"\s+", "", t) for t in texts[:-1])
