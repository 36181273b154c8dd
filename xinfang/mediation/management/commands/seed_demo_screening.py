"""Demo screening for `make run`: three weeks of daily reports from the villages of
the two demo townships (八台镇, 枣林镇), some nil, some missing days, some disputes
passed up and some resolved on the spot; and one held weekly meeting in 八台镇
whose minutes are closed, with some deadlines already passed. Idempotent: it does
nothing when the demo villages already have reports."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from xinfang.core import calendar
from xinfang.mediation import meetings, screening
from xinfang.mediation.models import Meeting, ScreeningReport
from xinfang.orgs import services as org_services
from xinfang.orgs.demo import TOWNSHIP_A, TOWNSHIP_B
from xinfang.orgs.models import Membership, Role, Unit

# (type, risk, summary, applicant, respondent, how it was settled on the spot)
DISPUTES = [
    (
        "neighbour",
        "low",
        "邻里因排水沟堵塞发生争吵",
        "张桂兰",
        "李长福",
        "村调解员到场疏通水沟，双方和解",
    ),
    (
        "land",
        "medium",
        "承包地边界相邻两户争议",
        "王建军",
        "王建华",
        "村两委现场丈量，按原台账重新划界",
    ),
    (
        "family",
        "low",
        "子女对赡养老人费用分担有争议",
        "刘秀英",
        "刘国强",
        "村调解室组织家庭会议，签订赡养协议",
    ),
    ("labor", "medium", "村民在附近工地务工被拖欠工资", "赵铁柱", "某建筑劳务公司", ""),
    ("debt", "low", "村民之间借款到期未还", "孙振华", "周立新", "约定分三个月还清，村调解员见证"),
    ("damage", "low", "散养的羊啃食邻户麦苗", "陈玉梅", "杨大勇", "按损失折价赔偿200元"),
    ("property", "medium", "安置小区物业费和停车收费争议", "业主代表吴平", "某物业公司", ""),
    ("traffic", "high", "电动车与农用三轮车相撞致人受伤", "马春生", "郭长林", ""),
    ("environment", "medium", "养殖场气味扰民", "村民代表何文", "某养殖场", ""),
    ("family", "medium", "离婚后子女抚养探望争执", "黄丽", "宋强", ""),
]
LIAISON_NAMES = ["周海", "吴强", "郑红", "冯亮", "蒋文", "韩梅", "曹军", "许静"]
WEEKS = 3


def _roll(*parts) -> int:
    """A stable pseudo-random number 0-99 for the same inputs (same demo every run)."""
    return int(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:8], 16) % 100


def _liaison_of(village: Unit, n: int):
    """The village's liaison: the demo user where there is one, else a demo liaison."""
    m = (
        Membership.objects.filter(unit=village, role=Role.LIAISON)
        .select_related("user")
        .order_by("id")
        .first()
    )
    if m is not None:
        return m.user
    user = org_services.user_create(
        username=f"liaison_{village.code}",
        password=settings.DEMO_PASSWORD,
        full_name=LIAISON_NAMES[n % len(LIAISON_NAMES)],
    )
    org_services.membership_add(user=user, unit=village, role=Role.LIAISON, is_primary=True)
    return user


def seed(today: dt.date) -> tuple[int, int]:
    townships = list(Unit.objects.filter(code__in=[TOWNSHIP_A, TOWNSHIP_B]).order_by("code"))
    villages = [v for t in townships for v in screening.villages_of(t)]
    if ScreeningReport.objects.filter(village__in=villages).exists():
        return 0, 0
    first = screening.week_of(today)[0] - dt.timedelta(weeks=WEEKS - 1)
    reports = 0
    k = 0
    for n, village in enumerate(villages):
        liaison = _liaison_of(village, n)
        day = first
        while day <= today:
            roll = _roll(village.code, day)
            # Today is left open for the demo liaison to report; other gaps are missed days.
            if day == today and village.code.endswith("001"):
                day += dt.timedelta(days=1)
                continue
            if roll < 12:
                day += dt.timedelta(days=1)
                continue
            disputes = []
            if roll >= 78:
                for _j in range(1 + roll % 2):
                    kind, risk, summary, applicant, respondent, how = DISPUTES[k % len(DISPUTES)]
                    k += 1
                    disputes.append(
                        {
                            "type": kind,
                            "risk": risk,
                            "summary": summary,
                            "parties": [
                                {"name": applicant, "role": "applicant"},
                                {"name": respondent, "role": "respondent"},
                            ],
                            "outcome": "resolved" if how else "passed_up",
                            "how_resolved": how,
                        }
                    )
            screening.screening_report_submit(
                actor=liaison,
                village=village,
                report_date=day,
                nil=not disputes,
                disputes=disputes,
                as_of=day,
                note="",
            )
            reports += 1
            day += dt.timedelta(days=1)
    return reports, _meeting(next(t for t in townships if t.code == TOWNSHIP_A), today)


def _meeting(township: Unit, today: dt.date) -> int:
    """八台镇's meeting two weeks ago: every item decided, minutes closed; the
    deadlines of the first items have since passed, so the ledger shows overdue."""
    User = get_user_model()
    handler = User.objects.get(username="handler")
    leader = User.objects.get(username="unit_head")
    week_start = screening.week_of(today)[0] - dt.timedelta(weeks=2)
    held_on = week_start + dt.timedelta(days=4)
    if Meeting.objects.filter(township=township, week_start=week_start).exists():
        return 0
    meeting = meetings.meeting_create(
        actor=handler,
        township=township,
        held_on=held_on,
        week_start=week_start,
        chair="陈志强",
        attendees="陈志强（镇长）、张伟（综治办）、镇调解中心、各村信息员",
    )
    for i, item in enumerate(meeting.items.select_related("dispute")):
        meetings.meeting_decide_item(
            actor=handler,
            item=item,
            classified_type=item.dispute.type,
            # A dispute already in mediation keeps its case's body.
            body=(
                item.dispute.body_id
                if meetings.body_is_fixed(item.dispute)
                else meetings.suggested_body(township, item.dispute.type)
            ),
            responsible_leader=leader,
            responsible_person=["张伟", "李村支书", "镇调解中心王主任"][i % 3],
            deadline=held_on + dt.timedelta(days=7 if i % 2 == 0 else 30),
            decision="限期化解，责任人每周向综治办报告进展。",
            as_of=held_on,
        )
    meetings.meeting_minutes_save(
        actor=handler,
        meeting=meeting,
        chair="陈志强",
        attendees=meeting.attendees,
        minutes=(
            "一、通报本周各村排查情况及漏报村。\n"
            "二、逐件研究台账上的未化解纠纷，明确责任领导、责任人和化解期限。\n"
            "三、要求各村信息员每日按时上报，无矛盾纠纷也要零报告。"
        ),
    )
    meetings.meeting_close(actor=handler, meeting=meeting)
    return 1


class Command(BaseCommand):
    help = "Give the demo villages three weeks of daily screening and one held weekly meeting."

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true")

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("DEBUG is off: pass --allow-production to add demo screening.")
        if not Unit.objects.filter(code=TOWNSHIP_A).exists():
            raise CommandError("Run seed_demo first: the demo tree is missing.")
        with transaction.atomic():
            reports, held = seed(calendar.today())
        self.stdout.write(f"Demo screening: {reports} reports, {held} meeting(s) new.")
