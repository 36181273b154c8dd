"""The minutes of a hearing (听证会记录 / 群众评议会记录) as an A4 PDF through
core.documents, always in Chinese: the matter's number and summary, date, place,
host, the participants with their roles and attendance, each view, the
conclusion and the signature lines. No phone or ID number is printed."""

from __future__ import annotations

from django.utils import translation

from xinfang.core import law
from xinfang.core.documents import Section, chinese_date, render_pdf

from .models import Hearing, HearingKind, HearingParticipant


def _attendance(person: HearingParticipant) -> str:
    if person.attended is None:
        return "待确认"
    return "出席" if person.attended else "缺席"


def minutes_pdf(hearing: Hearing, participants: list[HearingParticipant]) -> bytes:
    p = hearing.petition
    is_hearing = hearing.kind == HearingKind.HEARING
    word = "听证" if is_hearing else "评议"
    with translation.override("zh-hans"):
        kind = str(HearingKind(hearing.kind).label)
        facts = [
            ("信访事项编号", p.number),
            ("事项摘要", p.summary),
            ("会议类型", kind),
            ("时间", chinese_date(hearing.held_on or hearing.date)),
            ("地点", hearing.place),
            ("主持人", hearing.host),
        ]
        if hearing.topic:
            facts.append((f"{word}事项", hearing.topic))
        people = [
            (
                person.name,
                "，".join(
                    x
                    for x in (
                        str(person.get_role_display()),
                        person.affiliation,
                        _attendance(person),
                    )
                    if x
                ),
            )
            for person in participants
        ]
        views = [
            f"{person.name}（{person.get_role_display()}）：{person.view or '未发表意见。'}"
            for person in participants
            if person.attended
        ]
        sections = [
            Section(heading="基本情况", fields=facts),
            Section(heading="参加人员", fields=people or [("（无）", "")]),
            Section(heading="各方意见", paragraphs=views or ["（无）"]),
            Section(heading=f"{word}结论", paragraphs=[hearing.conclusion or "（尚未记录）"]),
        ]
        if is_hearing:
            sections.append(Section(paragraphs=["本次听证所需时间不计算在复核期限内。"]))
        else:
            sections.append(Section(paragraphs=["本次群众评议不停止计算任何办理期限。"]))
        signatures = ["主持人", "记录人"] + [
            f"{person.name}（{person.get_role_display()}）" for person in participants
            if person.attended
        ]  # fmt: skip
        return render_pdf(
            title=hearing.title,
            issuer=hearing.unit.name,
            number=hearing.number,
            sections=sections,
            basis=law.cite("hearing") if is_hearing else "",
            issued_on=hearing.minutes_issued_on or hearing.held_on or hearing.date,
            seal=False,
            signatures=signatures,
            footer=f"{p.number} · {hearing.number}",
        )
