"""The fields a ledger's columns map to, per kind, with the headers Chinese
offices usually give them (the mapping form is pre-filled from these when a
source has no saved mapping)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xinfang.exchange.models.ledger import LedgerKind


@dataclass(frozen=True)
class LedgerField:
    name: str
    label: Promise
    headers: tuple[str, ...]
    required: bool = False


_COMMON = [
    LedgerField(
        "number", _("Ledger number"), ("编号", "信访编号", "台账编号", "案件编号", "登记编号")
    ),
    LedgerField(
        "id_number", _("ID number"), ("身份证号", "身份证号码", "公民身份号码", "证件号码")
    ),
    LedgerField("phone", _("Phone"), ("联系电话", "电话", "手机", "手机号码", "联系方式")),
    LedgerField("address", _("Address"), ("住址", "地址", "家庭住址", "联系地址")),
    LedgerField(
        "received_on",
        _("Date received"),
        ("信访日期", "登记日期", "来信来访日期", "受理日期", "日期", "接访日期"),
        required=True,
    ),
    LedgerField(
        "place", _("Place of the problem"), ("问题属地", "属地", "所属乡镇", "发生地", "乡镇")
    ),
    LedgerField("summary", _("Summary"), ("概况", "标题", "事由", "诉求概要", "简要情况")),
    LedgerField(
        "concluded_on", _("Date concluded"), ("办结日期", "办结时间", "结案日期", "调解日期")
    ),
]

PETITION_FIELDS = [
    LedgerField("name", _("Name"), ("姓名", "信访人", "信访人姓名", "来访人"), required=True),
    *_COMMON,
    LedgerField("channel", _("Channel"), ("信访形式", "信访方式", "来源")),
    LedgerField("purpose", _("Purpose"), ("信访目的",)),
    LedgerField(
        "category", _("Category"), ("问题类别", "内容分类", "问题分类", "类别"), required=True
    ),
    LedgerField("responsible_unit", _("Responsible unit"), ("责任单位", "承办单位", "办理单位")),
    LedgerField(
        "content",
        _("Content"),
        ("诉求内容", "主要诉求", "反映问题", "信访内容", "内容", "反映内容"),
        required=True,
    ),
    LedgerField("result", _("Result"), ("办理结果", "处理结果", "答复意见", "处理意见")),
    LedgerField("people_count", _("Number of people"), ("人数", "信访人数")),
]

DISPUTE_FIELDS = [
    LedgerField("name", _("Applicant"), ("申请人", "当事人", "姓名", "当事人姓名"), required=True),
    *_COMMON,
    LedgerField("respondent", _("Respondent"), ("被申请人", "对方当事人")),
    LedgerField(
        "type", _("Type of dispute"), ("纠纷类型", "纠纷类别", "类型", "类别"), required=True
    ),
    LedgerField(
        "content",
        _("Content"),
        ("纠纷内容", "纠纷简要情况", "主要内容", "诉求内容", "内容"),
        required=True,
    ),
    LedgerField("result", _("Result"), ("调解结果", "处理结果", "办理结果")),
]

FIELDS = {LedgerKind.PETITIONS: PETITION_FIELDS, LedgerKind.DISPUTES: DISPUTE_FIELDS}


def fields_of(kind: str) -> list[LedgerField]:
    return FIELDS[kind]


def _norm(header: str) -> str:
    return "".join(str(header or "").split()).strip("*：:")


def guess_columns(kind: str, headers: list[str], saved: dict | None = None) -> dict[str, str]:
    """field → header: the saved mapping where its header is in the file, else the
    first usual header found."""
    present = {_norm(h): h for h in headers if h}
    out: dict[str, str] = {}
    for f in fields_of(kind):
        wanted = (saved or {}).get(f.name)
        if wanted and _norm(wanted) in present:
            out[f.name] = present[_norm(wanted)]
            continue
        for h in f.headers:
            if h in present:
                out[f.name] = present[h]
                break
    return out
