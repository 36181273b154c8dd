"""The mediation agreement (人民调解协议书) as an A4 PDF, through core.documents.

The agreement is a legal instrument (law keys agreement_written, agreement_binding,
judicial_confirmation) written in the official language whatever language the
member of staff reads the pages in, so its fixed wording is Chinese here, and the
renderer runs with Chinese active.

What it holds is what the parties agreed and nothing else: a field left empty
(each side's responsibility, a term's manner or date of performance) is left out,
never filled with a sentence of ours. The fixed wording is the law's (when the
agreement takes effect, that it binds, the window for judicial confirmation) and
the number of originals.

One file holds every original: one copy per party plus one the committee keeps
(当事人各执一份，人民调解委员会留存一份), each marked with whose copy it is. An
office prints the file once and has the full set to sign and seal at the table,
no copy forgotten and none handed to the wrong party; `copy` prints one of them
again (a party lost theirs).
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from xinfang.core import law, pii
from xinfang.core.documents import Section, chinese_date, render_pdf
from xinfang.core.exceptions import Conflict, NotFound
from xinfang.orgs import permissions

from .models import Agreement, AgreementForm, PartyRole
from .selectors import committee_name

TITLE = "人民调解协议书"
COPIES = "本协议书一式{n}份，当事人各执一份，人民调解委员会留存一份。"
COPY_MARK = "第{x}份（共{n}份）　{holder}"
EFFECT = (
    "本协议书自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。"
)
BINDING = "经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行（{law}）。"
JUDICIAL = (
    "当事人认为有必要的，可以自本协议生效之日起三十日内共同向人民法院申请司法确认"
    "（{law}），申请期限至{date}。"
)
ORAL = "本协议书系将当事人于{date}达成、由人民调解员记录的口头调解协议制作成书面协议（{law}）。"
SIDE = {PartyRole.APPLICANT: "甲方"}
OTHER_SIDE = "乙方"


def cite_together(*keys: str) -> str:
    """Several bases as one citation: each law named once, its articles after it,
    in the order of the keys."""
    refs = tuple(ref for key in keys for ref in law.basis(key).refs)
    return law.Basis("", refs, "").cite()


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


def _side(party) -> str:
    return SIDE.get(party.role, OTHER_SIDE)


def _ordered(parties) -> list:
    """甲方 (the applicants) first, then 乙方, each in the order recorded."""
    return [p for p in parties if p.role == PartyRole.APPLICANT] + [
        p for p in parties if p.role != PartyRole.APPLICANT
    ]


def copy_holders(agreement: Agreement) -> list[str]:
    """Whose each original is, in print order: 甲方张大山收执, …, then the committee's."""
    parties = _ordered(agreement.case.dispute.parties.all())
    committee = committee_name(agreement.case.body)
    return [f"{_side(p)}{p.name}收执" for p in parties] + [f"{committee}留存"]


def _term(i: int, t) -> str:
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
    return f"{law.chinese_number(i)}、{text}"


def agreement_pdf(agreement: Agreement, *, user, request=None, copy: int | None = None) -> bytes:
    """The written agreement as PDF bytes: every original (one per party, one for
    the committee), or only original number `copy` (1-based; NotFound if there is
    none). An oral agreement has no 协议书 to print: Conflict, pointing to putting
    it in writing.

    Staff who may see personal data get the parties' ID numbers and phones in full,
    each on the security record (core.pii.reveal); others get them masked. Raises
    FontUnavailable without a Chinese font."""
    if agreement.form != AgreementForm.WRITTEN:
        raise Conflict(
            _(
                "This is an oral agreement: there is no written agreement to print. "
                "Put it in writing first (Make the written agreement)."
            )
        )
    case = agreement.case
    dispute = case.dispute
    parties = _ordered(dispute.parties.all())
    full = permissions.may(user, "view_personal_data", dispute)
    committee = committee_name(case.body)
    holders = copy_holders(agreement)
    n = len(holders)
    if copy is not None and not 1 <= copy <= n:
        raise NotFound()

    def reveal(party, field):
        return pii.reveal(
            user=user,
            request=request,
            target=f"dispute:{dispute.pk}:party:{party.pk}:agreement",
            field=field,
            value=getattr(party, field),
        )

    party_rows = [(_side(p), _party_line(p, full=full, reveal=reveal)) for p in parties]
    mediators = [m.name for m in case.mediators.all()]
    party_rows.append(("人民调解员", "、".join(mediators) or "—"))
    terms = [_term(i, t) for i, t in enumerate(agreement.terms.all(), start=1)]
    keys = ["agreement_written", "agreement_binding"]
    closing = [EFFECT, BINDING.format(law=law.cite("agreement_binding"))]
    judicial = getattr(agreement, "judicial_confirmation", None)
    if judicial is not None:
        keys.append("judicial_confirmation")
        closing.append(
            JUDICIAL.format(
                law=law.cite("judicial_confirmation"), date=chinese_date(judicial.window_ends_on)
            )
        )
    if agreement.reached_orally_on:
        keys.insert(0, "agreement_oral")
        closing.append(
            ORAL.format(
                date=chinese_date(agreement.reached_orally_on), law=law.cite("agreement_oral")
            )
        )
    closing.append(COPIES.format(n=law.chinese_number(n)))
    sections = [
        Section(heading="当事人", fields=party_rows),
        Section(heading="纠纷主要事实", paragraphs=agreement.facts.splitlines()),
        Section(heading="争议事项", paragraphs=agreement.issues.splitlines()),
    ]
    # Each side's responsibility only as the parties stated it: nothing when they
    # stated none (never a "双方均无过错" of ours).
    if agreement.responsibilities.strip():
        sections.append(
            Section(heading="各方责任", paragraphs=agreement.responsibilities.splitlines())
        )
    sections += [
        Section(
            heading="协议内容",
            paragraphs=["经本委员会调解，当事人自愿达成如下协议：", *terms],
        ),
        Section(paragraphs=closing),
    ]
    signatures = [f"{_side(p)} {p.name}" for p in parties] + [
        f"人民调解员 {name}" for name in mediators or ["　"]
    ]
    marks = [
        COPY_MARK.format(x=law.chinese_number(x), n=law.chinese_number(n), holder=holder)
        for x, holder in enumerate(holders, start=1)
    ]
    if copy is not None:
        marks = [marks[copy - 1]]
    with translation.override("zh-hans"):
        return render_pdf(
            title=TITLE,
            issuer=committee,
            number=case.number,
            sections=sections,
            basis=cite_together(*keys),
            issued_on=agreement.signed_on,
            seal=True,
            signatures=signatures,
            footer=f"{dispute.number} · {case.number}",
            copies=marks,
        )
