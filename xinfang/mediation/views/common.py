"""What the dispute, case and roster pages share."""

from __future__ import annotations

from xinfang.core import calendar, pii


def masked(parties) -> list[dict]:
    return [
        {
            "pk": p.pk,
            "name": p.name,
            "role": p.get_role_display(),
            "is_organisation": p.is_organisation,
            "id_number": pii.mask_id_number(p.id_number),
            "phone": pii.mask_phone(p.phone),
            "address": p.address,
        }
        for p in parties
    ]


def days(end) -> dict:
    if end is None:
        return {"left": None}
    left = calendar.days_left(end)
    return {"left": left, "overdue": -left if left < 0 else 0}


def assignable(roster, on_case=()) -> list:
    """The mediators a case may be given: the active ones, and those it already has."""
    keep = {m.pk for m in on_case}
    return [m for m in roster if m.is_active or m.pk in keep]
