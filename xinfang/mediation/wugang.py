"""A year of disputes shaped like Wugang's 2016 (DOMAIN.md section 6): 4,168
screened and received, 4,096 settled (98.3%), most at the level where they arose.

For the statistics page, its acceptance test and benchmarks: rows are written in
bulk (a few thousand in seconds), in the shapes the services would have left
them (settled disputes with their case, agreement, terms and judicial window;
those resolved on the spot without a case). Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from xinfang.core.numbering import sequence_set_at_least
from xinfang.orgs.models import Level, Unit, UnitKind

from . import clocks
from .models import (
    Agreement,
    AgreementForm,
    AgreementTerm,
    CaseState,
    Dispute,
    DisputeEvent,
    DisputeParty,
    DisputeState,
    DisputeType,
    FailureReason,
    JudicialConfirmation,
    MediationCase,
    PartyRole,
    Risk,
    Source,
)

RECEIVED = 4168
SETTLED = 4096

LEVEL_WEIGHTS = {Level.VILLAGE: 70, Level.TOWNSHIP: 25, Level.CITY: 5}
TYPE_WEIGHTS = {
    DisputeType.NEIGHBOUR: 22,
    DisputeType.FAMILY: 18,
    DisputeType.LAND: 14,
    DisputeType.DEBT: 10,
    DisputeType.DAMAGE: 8,
    DisputeType.LABOR: 7,
    DisputeType.TRAFFIC: 6,
    DisputeType.PROPERTY: 4,
    DisputeType.CONSUMER: 3,
    DisputeType.ENVIRONMENT: 2,
    DisputeType.MEDICAL: 2,
    DisputeType.EDUCATION: 1,
    DisputeType.OTHER: 3,
}
SOURCE_WEIGHTS = {
    Source.SCREENING: 82,
    Source.APPLICATION: 10,
    Source.COURT: 3,
    Source.POLICE: 3,
    Source.PETITION: 2,
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "国建伟志明秀英华丽军平芳敏静强磊洋艳勇杰娟涛超霞刚桂兰玉萍红海林"
SUMMARIES = {
    DisputeType.NEIGHBOUR: "邻里排水纠纷",
    DisputeType.FAMILY: "赡养纠纷",
    DisputeType.LAND: "土地承包边界纠纷",
    DisputeType.DEBT: "民间借贷纠纷",
    DisputeType.DAMAGE: "损害赔偿纠纷",
    DisputeType.LABOR: "拖欠劳务费纠纷",
    DisputeType.TRAFFIC: "道路交通事故赔偿纠纷",
    DisputeType.PROPERTY: "物业费纠纷",
    DisputeType.CONSUMER: "消费质量纠纷",
    DisputeType.ENVIRONMENT: "噪声污染纠纷",
    DisputeType.MEDICAL: "医疗费用纠纷",
    DisputeType.EDUCATION: "学生意外伤害纠纷",
    DisputeType.OTHER: "其他纠纷",
}


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _bump(prefix: str, last: int) -> None:
    sequence_set_at_least(prefix, last)


@transaction.atomic
def load_year(
    *,
    year: int = 2016,
    city: Unit | None = None,
    received: int = RECEIVED,
    settled: int = SETTLED,
    seed: int = 2016,
) -> dict:
    """Write `received` disputes of `year` under `city` (the top territorial unit),
    `settled` of them settled. Refuses a year already loaded (numbers are taken)."""
    city = city or Unit.objects.filter(kind=UnitKind.TERRITORIAL, level=Level.CITY).first()
    if city is None:
        raise ValueError("No city in the unit tree: run seed_demo first.")
    prefix = f"TJ-{city.code}-{year}"
    if Dispute.objects.filter(number__startswith=prefix).exists():
        raise ValueError(f"Disputes numbered {prefix}-* exist already: the year is loaded.")
    rng = random.Random(seed)
    townships = list(
        Unit.objects.filter(kind=UnitKind.TERRITORIAL, level=Level.TOWNSHIP, parent=city)
    )
    villages = list(
        Unit.objects.filter(kind=UnitKind.TERRITORIAL, level=Level.VILLAGE, parent__in=townships)
    )
    centres = {
        u.parent_id: u
        for u in Unit.objects.filter(kind=UnitKind.MEDIATION_CENTRE, parent__isnull=False)
    }
    committees = {
        u.mediation_type: u
        for u in Unit.objects.filter(
            kind=UnitKind.MEDIATION_COMMITTEE, ancestor_links__ancestor=city
        )
    }
    if not townships or not villages:
        raise ValueError("The city has no townships and villages: run seed_demo first.")

    start = dt.date(year, 1, 1)
    days_in_year = (dt.date(year, 12, 31) - start).days + 1
    # A past year is closed: what was not settled failed (no dispute of it is open,
    # so the success rate, settled / closed, is the published 98.3%).
    outcome = ["settled"] * settled + ["failed"] * (received - settled)
    rng.shuffle(outcome)
    now = timezone.now()
    disputes, plans = [], []
    for i in range(received):
        level = _pick(rng, LEVEL_WEIGHTS)
        village = rng.choice(villages)
        township = next(t for t in townships if t.pk == village.parent_id)
        place = {Level.VILLAGE: village, Level.TOWNSHIP: township, Level.CITY: city}[level]
        dtype = _pick(rng, TYPE_WEIGHTS)
        source = _pick(rng, SOURCE_WEIGHTS) if level != Level.CITY else Source.APPLICATION
        received_on = start + dt.timedelta(days=rng.randrange(days_in_year))
        state = {
            "settled": DisputeState.SETTLED,
            "failed": DisputeState.FAILED,
            "open": DisputeState.MEDIATING,
        }[outcome[i]]
        on_spot = (
            state == DisputeState.SETTLED
            and source == Source.SCREENING
            and level == Level.VILLAGE
            and rng.random() < 0.55
        )
        # Most are settled where they arose; about one in twenty-five goes up a level.
        settle_level = level
        if not on_spot and level != Level.CITY and rng.random() < 0.04:
            settle_level = Level.TOWNSHIP if level == Level.VILLAGE else Level.CITY
        if settle_level == Level.CITY and DisputeType.committee_type(dtype):
            body = committees.get(dtype)
        else:
            territory = {Level.VILLAGE: village, Level.TOWNSHIP: township, Level.CITY: city}[
                settle_level
            ]
            body = centres.get(territory.pk)
        days = 0 if on_spot else rng.randint(2, 28)
        settled_on = received_on + dt.timedelta(days=days) if state == "settled" else None
        disputes.append(
            Dispute(
                number=f"{prefix}-{i + 1:05d}",
                source=source,
                type=dtype,
                risk=Risk.HIGH if rng.random() < 0.03 else Risk.LOW,
                summary=SUMMARIES[dtype],
                place=place,
                arose_level=level,
                township=None if level == Level.CITY else township,
                received_on=received_on,
                state=state,
                body=None if on_spot else body,
                current_level=settle_level,
                resolved_on_spot=on_spot,
                how_resolved="村调解员现场调解，双方握手言和。" if on_spot else "",
                settled_on=settled_on,
                settled_level=settle_level if settled_on else "",
                closed_on=settled_on
                or (received_on + dt.timedelta(days=30) if state == DisputeState.FAILED else None),
                referral_ref=f"({year})舞{i}号" if source in (Source.COURT, Source.POLICE) else "",
                data={"loaded": f"wugang-{year}"},
            )
        )
        plans.append((on_spot, body, days))
    Dispute.objects.bulk_create(disputes, batch_size=500)
    DisputeParty.objects.bulk_create(
        [
            DisputeParty(dispute=d, role=role, name=_name(rng), sort_order=j)
            for d in disputes
            for j, role in enumerate((PartyRole.APPLICANT, PartyRole.RESPONDENT))
        ],
        batch_size=1000,
    )
    DisputeEvent.objects.bulk_create(
        [
            DisputeEvent(
                dispute=d,
                at=now,
                action="register",
                to_state=d.state,
                data={"source": d.source, "loaded": f"wugang-{year}"},
            )
            for d in disputes
        ],
        batch_size=1000,
    )

    cases = []
    for d, (on_spot, body, _days) in zip(disputes, plans, strict=True):
        if on_spot or body is None:
            continue
        state = {
            DisputeState.SETTLED: CaseState.SUCCESS,
            DisputeState.FAILED: CaseState.FAILURE,
            DisputeState.MEDIATING: CaseState.IN_PROGRESS,
        }[d.state]
        started = d.received_on + dt.timedelta(days=1)
        cases.append(
            MediationCase(
                number=f"AJ-{city.code}-{year}-{len(cases) + 1:05d}",
                dispute=d,
                body=body,
                level=body.level,
                state=state,
                opened_on=d.received_on,
                started_on=started,
                deadline=_month_end(started),
                ended_on=d.settled_on or d.closed_on,
                failure_reason=FailureReason.NO_AGREEMENT if state == CaseState.FAILURE else "",
                routes_told=state == CaseState.FAILURE,
            )
        )
    MediationCase.objects.bulk_create(cases, batch_size=500)
    agreements = []
    for case in cases:
        if case.state != CaseState.SUCCESS:
            continue
        signed = case.dispute.settled_on
        agreements.append(
            Agreement(
                case=case,
                form=AgreementForm.WRITTEN if rng.random() < 0.8 else AgreementForm.ORAL,
                facts="双方因琐事发生争执。",
                issues="赔偿金额及履行方式。",
                responsibilities="双方各负相应责任。",
                signed_on=signed,
                effective_on=signed,
            )
        )
    Agreement.objects.bulk_create(agreements, batch_size=500)
    terms, windows = [], []
    for a in agreements:
        performed = rng.random() < 0.93
        for j in range(rng.choice((1, 1, 2))):
            due = a.signed_on + dt.timedelta(days=rng.randint(5, 40))
            terms.append(
                AgreementTerm(
                    agreement=a,
                    text="一方向另一方支付补偿款" if j == 0 else "双方不再因此事发生争执",
                    due_on=due,
                    performed_on=due if performed else None,
                    sort_order=j,
                )
            )
        if a.form == AgreementForm.WRITTEN:
            applied = rng.random() < 0.08
            windows.append(
                JudicialConfirmation(
                    agreement=a,
                    window_ends_on=clocks.judicial_window(a.effective_on).due,
                    applied_on=a.effective_on + dt.timedelta(days=5) if applied else None,
                    court="舞钢市人民法院" if applied else "",
                    ruling="confirmed" if applied and rng.random() < 0.95 else "",
                )
            )
    AgreementTerm.objects.bulk_create(terms, batch_size=1000)
    JudicialConfirmation.objects.bulk_create(windows, batch_size=1000)
    _bump(prefix, received)
    _bump(f"AJ-{city.code}-{year}", len(cases))
    return {
        "received": received,
        "settled": sum(1 for d in disputes if d.state == DisputeState.SETTLED),
        "cases": len(cases),
        "agreements": len(agreements),
        "judicial_windows": len(windows),
    }


_month_cache: dict[dt.date, dt.date] = {}


def _month_end(start: dt.date) -> dt.date:
    if start not in _month_cache:
        _month_cache[start] = clocks.one_month_after(start).due
    return _month_cache[start]
