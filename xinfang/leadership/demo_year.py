"""A year of leadership work shaped like Wugang's 2016 (DOMAIN.md section 7), for
the statistics page, its acceptance test and benchmarks.

`LOADERS` is the list the command `load_wugang_leadership` runs in order; each
loader takes (year, seed) and returns a dict of what it made. Receptions: leaders
received or visited 287 person-times and handled 469 batches with 3,900 people;
ownership (demo_year_ownership): 294 owned matters, 260 of them resolved.
Rows are written in bulk, in the shapes the services leave them (a held reception
with its "recorded" event, each batch with its "batch" event). Deterministic for
a given seed.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from xinfang.core import calendar
from xinfang.core.numbering import sequence_set_at_least
from xinfang.orgs.models import Level, Membership, Role, Unit, UnitKind

from .demo_year_ownership import load_ownership
from .models import (
    Reception,
    ReceptionBatch,
    ReceptionEvent,
    ReceptionKind,
    ReceptionState,
)

PERSON_TIMES = 287
BATCHES = 469
PEOPLE = 3900
LOADED = "wugang_year"

KIND_WEIGHTS = {ReceptionKind.RECEPTION: 55, ReceptionKind.VISIT_DOWN: 30,
                ReceptionKind.APPOINTMENT: 15}  # fmt: skip
MATTERS = [
    "反映拖欠农民工工资问题",
    "反映征地补偿标准偏低",
    "反映宅基地确权纠纷",
    "反映小区物业服务问题",
    "反映企业改制职工安置问题",
    "反映道路施工扬尘噪声扰民",
    "反映退休待遇核定问题",
    "反映村务公开不及时",
    "反映土地承包经营权流转纠纷",
    "反映学校周边交通安全问题",
]


def _working_days(year: int) -> list[dt.date]:
    day, out = dt.date(year, 1, 1), []
    while day.year == year:
        if calendar.is_working_day(day)[0]:
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`parts` positive integers summing to `total`, heavy-tailed (a few group visits)."""
    weights = [rng.paretovariate(1.6) for _ in range(parts)]
    counts = [1] * parts
    for i in rng.choices(range(parts), weights=weights, k=total - parts):
        counts[i] += 1
    return counts


def load_receptions(
    *, year: int, seed: int, person_times: int = PERSON_TIMES, batches: int = BATCHES,
    people: int = PEOPLE,
) -> dict:  # fmt: skip
    """Held receptions of the county-level leaders for `year`: exactly
    `person_times` receptions, `batches` batches and `people` people."""
    if not person_times <= batches <= people:
        raise ValueError("Each reception has a batch and each batch a person.")
    leaders = list(
        Membership.objects.filter(role=Role.LEADER, unit__level=Level.CITY, user__is_active=True)
        .select_related("user", "unit")
        .order_by("unit__sort_order", "unit__code", "user_id")
    )
    if not leaders:
        raise ValueError("No county-level leader (run seed_demo first).")
    if Reception.objects.filter(on__year=year, data__loaded=LOADED).exists():
        raise ValueError(f"The receptions of {year} are loaded already.")
    centre = Unit.objects.filter(kind=UnitKind.RECEPTION_CENTRE).order_by("depth", "code").first()
    office = Unit.objects.filter(kind=UnitKind.PETITION_OFFICE).order_by("depth", "code").first()
    places = list(
        Unit.objects.filter(kind=UnitKind.TERRITORIAL, level__in=[Level.TOWNSHIP, Level.VILLAGE])
    )
    if centre is None or not places:
        raise ValueError("The unit tree has no reception centre or townships.")
    rng = random.Random(seed)
    days = _working_days(year)
    kinds = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()), k=person_times)
    per_reception = [1] * person_times
    for i in rng.choices(range(person_times), k=batches - person_times):
        per_reception[i] += 1
    people_counts = _split(rng, people, batches)
    now = timezone.now()
    made = {"person_times": 0, "batches": 0, "people": 0}
    with transaction.atomic():
        receptions = []
        numbers: dict[str, int] = {}
        for i, kind in enumerate(kinds):
            m = leaders[i % len(leaders)]
            unit = {
                ReceptionKind.RECEPTION: centre,
                ReceptionKind.VISIT_DOWN: rng.choice(places),
                ReceptionKind.APPOINTMENT: office or centre,
            }[kind]
            prefix = f"JF-{m.unit.code}-{year}"
            numbers[prefix] = numbers.get(prefix, 0) + 1
            receptions.append(
                Reception(
                    number=f"{prefix}-{numbers[prefix]:04d}",
                    leader=m.user,
                    leader_unit=m.unit,
                    kind=kind,
                    state=ReceptionState.HELD,
                    on=rng.choice(days),
                    time_from=dt.time(8, 30),
                    time_to=dt.time(12, 0),
                    unit=unit,
                    public=kind != ReceptionKind.APPOINTMENT,
                    version=1 + per_reception[i],
                    data={"loaded": LOADED},
                )
            )
        Reception.objects.bulk_create(receptions, batch_size=500)
        for prefix, last in numbers.items():
            sequence_set_at_least(prefix, last)
        events, rows, k = [], [], 0
        for r, n in zip(receptions, per_reception, strict=True):
            events.append(
                ReceptionEvent(reception=r, at=now, action="recorded", actor=r.leader,
                               data={"kind": r.kind, "on": r.on.isoformat(), "unit": r.unit_id})
            )  # fmt: skip
            for position in range(1, n + 1):
                count = people_counts[k]
                k += 1
                rows.append(
                    ReceptionBatch(reception=r, position=position, people_count=count,
                                   matters=rng.choice(MATTERS), created_by=r.leader)
                )  # fmt: skip
                events.append(
                    ReceptionEvent(reception=r, at=now, action="batch", actor=r.leader,
                                   data={"batch": position, "people": count})
                )  # fmt: skip
        ReceptionBatch.objects.bulk_create(rows, batch_size=500)
        ReceptionEvent.objects.bulk_create(events, batch_size=500)
    made["person_times"] = len(receptions)
    made["batches"] = len(rows)
    made["people"] = sum(b.people_count for b in rows)
    return made


# What `load_wugang_leadership` runs, in order (case ownership adds its loader here).
# Receptions, then the owned matters (demo_year_ownership).
LOADERS = [load_receptions, load_ownership]
