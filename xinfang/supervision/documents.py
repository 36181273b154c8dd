"""The chasing letters (催办函 / 督办函) as A4 PDFs through core.documents, always
in Chinese: the issuing office, the letter's number (core.numbering, kept on the
chase), the date, the matter, why it is listed, what is demanded, the deadline
for the report and the legal basis (core.law). No petitioner's name or personal
data: the letter goes to a unit about a matter it already holds."""

from __future__ import annotations

from django.utils import translation

from xinfang.core import law
from xinfang.core.documents import Section, chinese_date, render_pdf
from xinfang.orgs.models import Unit

from .models import Chase, ChaseKind
from .workflow import unit_now_id

TITLES = {ChaseKind.CHASE: "信访事项催办函", ChaseKind.PRESS: "信访事项督办函"}
COLOUR_WORDS = {"red": "红色", "yellow": "黄色", "blue": "蓝色"}
DEMAND_WORDS = {ChaseKind.CHASE: "催办", ChaseKind.PRESS: "督办"}


def letter_pdf(chase: Chase) -> bytes:
    """The letter of one chase. Raises FontUnavailable without a Chinese font."""
    listing = chase.listing
    target = listing.target
    unit = Unit.objects.filter(pk=unit_now_id(listing)).first() or listing.unit
    word = DEMAND_WORDS[chase.kind]
    if listing.petition_id:
        matter = f"信访事项（编号：{target.number}）"
        keys = ["supervision"]
        due = target.due_date
    else:
        matter = f"矛盾纠纷（编号：{target.number}）"
        keys = ["supervision", "mediation_period"]
        due = target.deadline
    opening = (
        f"你单位承办的{matter}“{target.summary}”，已于{chinese_date(listing.listed_on)}"
        f"列入{COLOUR_WORDS.get(listing.colour, '')}挂牌督办。挂牌事由：{listing.reason}"
    )
    demand = f"现就该事项{word}如下：{chase.demand}"
    deadline = (
        f"请于{chinese_date(chase.report_by)}前将办理情况和采取的措施书面报送"
        f"{listing.office.name}。逾期未报或办理不力的，将按规定予以通报。"
    )
    rows = [
        ("事项编号", target.number),
        ("事项概况", target.summary),
        ("挂牌编号", listing.number),
        ("挂牌颜色", COLOUR_WORDS.get(listing.colour, "")),
        ("办理期限", chinese_date(due) if due else "—"),
        ("报告期限", chinese_date(chase.report_by)),
    ]
    with translation.override("zh-hans"):
        return render_pdf(
            title=TITLES[chase.kind],
            issuer=listing.office.name,
            number=chase.number,
            recipient=unit.name,
            sections=[
                Section(paragraphs=[opening, demand, deadline]),
                Section(heading="事项情况", fields=rows),
            ],
            basis=law.cite(*keys),
            issued_on=chase.issued_on,
            seal=True,
            footer=f"{listing.number} · {chase.number}",
        )
