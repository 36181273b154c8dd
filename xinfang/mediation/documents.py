"""The mediation agreement (人民调解协议书) as an A4 PDF, through core.documents.

The agreement is a legal instrument (人民调解法 Art. 28-29, 31, 33) written in the
official language whatever language the member of staff reads the pages in, so
its fixed wording follows the Ministry of Justice's form (人民调解协议书格式) in
Chinese here, and the renderer runs with Chinese active.
"""

from __future__ import annotations

from django.utils import translation

from xinfang.core import pii
from xinfang.core.documents import Section, chinese_date, render_pdf
from xinfang.orgs import permissions

from .models import Agreement, PartyRole

TITLE = "人民调解协议书"
BASIS = "《中华人民共和国人民调解法》第二十八条、第二十九条、第三十一条、第三十三条"
COPIES = "本协议一式三份，双方当事人、人民调解委员会各持一份。"
EFFECT = "本协议自各方当事人签名（盖章）、人民调解员签名并加盖人民调解委员会印章之日起生效。"
BINDING = (
    "经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行"
    "（《中华人民共和国人民调解法》第三十一条）。"
)
JUDICIAL = (
    "双方当事人认为有必要的，可以自本协议生效之日起三十日内共同向人民法院申请司法确认"
    "（《中华人民共和国人民调解法》第三十三条），申请期限至{date}。"
)
NUMERALS = "一二三四五六七八九十"


def _numeral(i: int) -> str:
    if i <= 10:
        return NUMERALS[i - 1]
    if i < 20:
        return "十" + NUMERALS[i - 11]
    return str(i)


def _party_line(party, *, full: bool, reveal) -> str:
    bits = [party.name]
    if party.id_number:
        bits.append(
            "身份证号 "
            + (reveal(party, "id_number") if full else pii.mask_id_number(party.id_number))
        )
    if party.phone:
        bits.append("电话 " + (reveal(party, "phone") if full else pii.mask_phone(party.phone)))
    if party.address:
        bits.append("住址 " + party.address)
    return "，".join(bits)


def agreement_pdf(agreement: Agreement, *, user, request=None) -> bytes:
    """The agreement as PDF bytes. Staff who may see personal data get the parties'
    ID numbers and phones in full, each on the security record (core.pii.reveal);
    others get them masked. Raises FontUnavailable without a Chinese font."""
    case = agreement.case
    dispute = case.dispute
    parties = list(dispute.parties.all())
    full = permissions.may(user, "view_personal_data", dispute)

    def reveal(party, field):
        return pii.reveal(
            user=user,
            request=request,
            target=f"dispute:{dispute.pk}:party:{party.pk}:agreement",
            field=field,
            value=getattr(party, field),
        )

    side_a = [p for p in parties if p.role == PartyRole.APPLICANT]
    side_b = [p for p in parties if p.role != PartyRole.APPLICANT]
    party_rows = [("甲方", _party_line(p, full=full, reveal=reveal)) for p in side_a] + [
        ("乙方", _party_line(p, full=full, reveal=reveal)) for p in side_b
    ]
    mediators = [m.name for m in case.mediators.all()]
    party_rows.append(("人民调解员", "、".join(mediators) or "—"))
    terms = []
    for i, t in enumerate(agreement.terms.all(), start=1):
        text = t.text.rstrip("。") + "。"
        details = []
        if t.obliged:
            details.append("履行人：" + t.obliged)
        if t.how:
            details.append("履行方式：" + t.how)
        if t.due_on:
            details.append("履行期限：" + chinese_date(t.due_on) + "前")
        if details:
            text += "（" + "；".join(details) + "）"
        terms.append(f"{_numeral(i)}、{text}")
    closing = [EFFECT, BINDING]
    judicial = getattr(agreement, "judicial_confirmation", None)
    if judicial is not None:
        closing.append(JUDICIAL.format(date=chinese_date(judicial.window_ends_on)))
    closing.append(COPIES)
    sections = [
        Section(heading="当事人", fields=party_rows),
        Section(heading="纠纷主要事实", paragraphs=agreement.facts.splitlines() or [""]),
        Section(heading="争议事项", paragraphs=agreement.issues.splitlines() or [""]),
        Section(
            heading="各方责任",
            paragraphs=agreement.responsibilities.splitlines() or ["双方均无过错。"],
        ),
        Section(
            heading="协议内容",
            paragraphs=["经人民调解委员会调解，双方当事人自愿达成如下协议："] + terms,
        ),
        Section(
            heading="履行方式与时限",
            paragraphs=["各项协议内容由履行人按上列方式、期限履行；本委员会将回访履行情况。"],
        ),
        Section(paragraphs=closing),
    ]
    signatures = (
        [f"甲方 {p.name}" for p in side_a]
        + [f"乙方 {p.name}" for p in side_b]
        + [f"人民调解员 {name}" for name in mediators or ["　"]]
    )
    with translation.override("zh-hans"):
        return render_pdf(
            title=TITLE,
            issuer=case.body.organ_name,
            number=case.number,
            sections=sections,
            basis=BASIS,
            issued_on=agreement.signed_on,
            seal=True,
            signatures=signatures,
            footer=f"{dispute.number} · {case.number}",
        )
