"""The legal bases the product cites, in one table (issue 10).

Clocks, events, written notices, public messages and docs cite a basis by its
key; the next amendment is one edit here. The petition work follows the
信访工作条例 (中共中央、国务院, in force 1 May 2022), which superseded the 2005
信访条例; mediation follows the 人民调解法 (2010), judicial confirmation also the
民事诉讼法 (as amended 2023), the one-month mediation period the Ministry of
Justice's 人民调解工作若干规定 (2002).

Each entry: the law, the article, the paragraph (款) and item (项) where the
rule sits in one of them, and a short Chinese paraphrase (not the text).
"""

from __future__ import annotations

from dataclasses import dataclass

XFGZTL = "信访工作条例"
RMTJF = "中华人民共和国人民调解法"
MSSSF = "中华人民共和国民事诉讼法"
RMTJGZ = "人民调解工作若干规定"

LAWS = {
    XFGZTL: "中共中央、国务院，2022年5月1日起施行",
    RMTJF: "2010年8月28日通过，2011年1月1日起施行",
    MSSSF: "2023年9月1日第五次修正",
    RMTJGZ: "司法部令第75号，2002年11月1日起施行",
}

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals as articles are numbered: 二十二, 十四, 三十."""
    if not 0 < n < 1000:
        raise ValueError(n)
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += _DIGITS[hundreds] + "百"
        if rest and tens == 0:
            return out + "零" + _DIGITS[ones]
    if tens:
        out += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    if ones:
        out += _DIGITS[ones]
    return out


@dataclass(frozen=True)
class Ref:
    """One place in one law: article, paragraph, items."""

    law: str
    article: int
    paragraph: int | None = None
    items: tuple[int, ...] = ()

    def text(self, *, with_law: bool = True) -> str:
        out = f"第{chinese_number(self.article)}条"
        if self.paragraph:
            out += f"第{chinese_number(self.paragraph)}款"
        if self.items:
            first, last = self.items[0], self.items[-1]
            out += (
                f"第（{chinese_number(first)}）项"
                if first == last
                else f"第（{chinese_number(first)}）至（{chinese_number(last)}）项"
            )
        return f"《{self.law}》{out}" if with_law else out

    def short(self) -> str:
        """English-style short form for comments and logs: 信访工作条例 Art. 23(3)."""
        out = f"{self.law} Art. {self.article}"
        if self.paragraph:
            out += f"({self.paragraph})"
        if self.items:
            out += "(" + ",".join(str(i) for i in self.items) + ")"
        return out


@dataclass(frozen=True)
class Basis:
    key: str
    refs: tuple[Ref, ...]
    summary: str

    def cite(self) -> str:
        """《信访工作条例》第二十二条第一款、第二款 — each law named once, in order."""
        parts: list[str] = []
        last_law = None
        for ref in self.refs:
            if ref.law == last_law:
                parts[-1] += "、" + ref.text(with_law=False)
            else:
                parts.append(ref.text())
            last_law = ref.law
        return "，".join(parts)

    def short(self) -> str:
        return "; ".join(r.short() for r in self.refs)


def _b(key: str, summary: str, *refs: Ref) -> Basis:
    return Basis(key, refs, summary)


def _x(article: int, paragraph: int | None = None, *items: int) -> Ref:
    return Ref(XFGZTL, article, paragraph, tuple(items))


BASES: dict[str, Basis] = {
    b.key: b
    for b in [
        # --- petitions: 信访工作条例 (2022) ---------------------------------------
        _b("representatives", "多人走访提出同一信访事项的，推选代表，代表人数不超过5人", _x(20, 2)),
        _b(
            "forward",
            "信访部门收到信访事项，应当予以登记，并在15日内区分情况转送、交办",
            _x(22, 1),
        ),
        _b(
            "legal_matters",
            "涉法涉诉信件转送同级政法部门依法处理",
            _x(22, 2),
        ),
        _b(
            "accusation_route",
            "属于纪检监察机关受理的检举控告类事项，按管理权限转送纪检监察机关",
            _x(22, 2),
        ),
        _b(
            "not_competent",
            "不属于本机关、单位或者本系统职权范围的，告知信访人向有权处理的机关、单位提出",
            _x(23, 1),
        ),
        _b(
            "accept_direct",
            "直接提出的信访事项，能当场告知的当场书面告知，否则自收到之日起15日内书面告知",
            _x(23, 2),
        ),
        _b(
            "accept_forwarded",
            "转送、交办的信访事项，属于本机关职权范围的，自收到之日起15日内书面告知信访人",
            _x(23, 3),
        ),
        _b(
            "return_objection",
            "不属于本机关职权范围的，自收到之日起5个工作日内提出异议并详细说明理由，"
            "经转送、交办的信访部门核实同意后交还相关材料",
            _x(23, 3),
        ),
        _b(
            "recusal",
            "工作人员与信访事项或者信访人有直接利害关系的，应当回避",
            _x(28, 2),
        ),
        _b(
            "accusation_confidential",
            "不得将检举、揭发材料以及有关情况透露或者转给被检举、揭发的人员或者单位",
            _x(30),
        ),
        _b(
            "other_procedures",
            "应当通过诉讼、仲裁、复议、党员申诉及其他法定程序解决的，导入相应程序处理",
            _x(31, None, 1, 2, 3, 4),
        ),
        _b(
            "opinion",
            "听取陈述、调查核实，出具信访处理意见书，载明请求、事实和理由、处理意见及其依据",
            _x(31, None, 6),
            _x(32),
        ),
        _b(
            "handle_period",
            "自受理之日起60日内办结；情况复杂的，经负责人批准可以延长，延长不超过30日，并告知理由",
            _x(34),
        ),
        _b(
            "review",
            "自收到书面答复之日起30日内请求上一级机关复查；复查机关自收到请求之日起30日内答复",
            _x(35),
        ),
        _b(
            "re_review",
            "自收到复查意见之日起30日内请求复查机关的上一级机关复核；30日内提出复核意见",
            _x(36, 1),
        ),
        _b(
            "hearing",
            "复核机关可以举行听证，听证所需时间不计算在复核期限内",
            _x(36, 2),
        ),
        _b(
            "no_longer_accepted",
            "对复核意见不服，仍以同一事实和理由提出投诉请求的，不再受理",
            _x(36, 3),
        ),
        # 挂牌督办, 催办 and 督办 (the supervision area's letters).
        _b(
            "supervision",
            "党委和政府信访部门发现有关机关、单位违反信访工作规定受理、办理信访事项，"
            "推诿、敷衍、拖延、弄虚作假或者拒不执行信访处理意见的，应当及时督办，"
            "并提出改进工作的建议；对履职不力、存在严重问题的，可以挂牌督办，责令限期整改",
            _x(40, 1),
            _x(39, 3),
        ),
        # --- mediation ------------------------------------------------------------
        _b(
            "mediation_consent",
            "人民调解遵循自愿、平等原则；当事人一方明确拒绝调解的，不得调解",
            Ref(RMTJF, 3),
            Ref(RMTJF, 17),
        ),
        _b(
            "mediation_stop",
            "调解不成的，终止调解，告知当事人可以依法通过仲裁、行政、司法等途径维护权利",
            Ref(RMTJF, 26),
        ),
        _b(
            "agreement_oral", "当事人认为无需制作调解协议书的，可以采取口头协议方式", Ref(RMTJF, 28)
        ),
        _b(
            "agreement_written",
            "调解协议书载明当事人、纠纷事实、争议事项、各方责任、协议内容和履行方式期限，"
            "由各方当事人签名盖章、人民调解员签名并加盖人民调解委员会印章，"
            "当事人各执一份，人民调解委员会留存一份",
            Ref(RMTJF, 29),
        ),
        _b("agreement_binding", "经人民调解达成的调解协议具有法律约束力", Ref(RMTJF, 31)),
        _b(
            "judicial_confirmation",
            "双方当事人自调解协议生效之日起30日内共同向人民法院申请司法确认",
            Ref(RMTJF, 33),
            Ref(MSSSF, 205),
            Ref(MSSSF, 206),
        ),
        _b("mediation_period", "人民调解委员会调解纠纷，一般在一个月内调结", Ref(RMTJGZ, 34)),
    ]
}


def basis(key: str) -> Basis:
    """The basis by key; a misspelt key is a programming error, not a 500 later."""
    return BASES[key]


def citations() -> dict[str, str]:
    """Every basis by key as its citation: the `law` placeholder of the notices
    ({{ law.handle_period }} → 《信访工作条例》第三十四条)."""
    return {key: b.cite() for key, b in BASES.items()}


def cite(*keys: str) -> str:
    """The citation of one or more bases, for a notice or an event: joined by '；'."""
    return "；".join(basis(k).cite() for k in keys)
