"""Every read of the leadership area a user can see, through the policy's
visibility (permissions.visible_plans: the plans of the matters they see)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from xinfang.core import calendar
from xinfang.core.exceptions import NotFound

from .. import permissions as policy
from ..models import (
    OwnershipEvent,
    OwnershipPlan,
    PlanState,
)

# --- ownership plans ---------------------------------------------------------------------


def plan_get(*, user, pk) -> OwnershipPlan:
    """One plan the user may see, else NotFound (never a hint that it exists)."""
    try:
        plan = OwnershipPlan.objects.select_related("petition", "owner", "unit").get(pk=pk)
    except (OwnershipPlan.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not policy.may_see_plan(user, plan):
        raise NotFound()
    return plan


def plan_of(*, user, petition) -> OwnershipPlan | None:
    plan = OwnershipPlan.objects.select_related("owner", "unit").filter(petition=petition).first()
    return plan if plan is not None and policy.may_see_plan(user, plan) else None


def plans_visible(user) -> QuerySet[OwnershipPlan]:
    return policy.visible_plans(user).select_related("petition", "owner", "unit")


def plans_owned_by(owner, *, user=None, today: dt.date | None = None) -> list[OwnershipPlan]:
    """A leader's plans: in hand first, overdue before the rest (by target date),
    then the resolved ones, latest first. `user`: who reads (default the owner)."""
    today = today or calendar.today()
    plans = list(plans_visible(user or owner).filter(owner=owner))
    for plan in plans:
        plan.overdue = plan.is_overdue(today)
    active = sorted(
        (p for p in plans if p.state == PlanState.ACTIVE),
        key=lambda p: (not p.overdue, p.target_date, p.pk),
    )
    resolved = sorted(
        (p for p in plans if p.state != PlanState.ACTIVE),
        key=lambda p: (p.resolved_on or dt.date.min, p.pk),
        reverse=True,
    )
    return active + resolved


def moved_since(owner, *, user=None, since: dt.datetime) -> list[OwnershipEvent]:
    """What moved on the leader's plans since `since` (this week's events)."""
    return list(
        OwnershipEvent.objects.filter(
            plan__in=policy.visible_plans(user or owner).filter(owner=owner), at__gte=since
        )
        .select_related("plan__petition", "actor")
        .order_by("-at", "-id")[:50]
    )


# --- counts -------------------------------------------------------------------------------


def ownership_counts(*, user, date_from: dt.date, date_to: dt.date) -> dict:
    """Owned and resolved, in total, per leader and per responsible unit: the plans
    owned in the period (owned_on) and, of those, the ones resolved now."""
    plans = policy.visible_plans(user).filter(owned_on__gte=date_from, owned_on__lte=date_to)
    figures = {
        "owned": Count("id"),
        "resolved": Count("id", filter=Q(state=PlanState.RESOLVED)),
        "overdue": Count("id", filter=Q(state=PlanState.ACTIVE, target_date__lt=calendar.today())),
    }
    total = plans.aggregate(**figures)
    by_leader = [
        {
            "id": r["owner"],
            "name": r["owner__first_name"] or r["owner__username"],
            **{k: r[k] for k in figures},
        }
        for r in plans.values("owner", "owner__first_name", "owner__username")
        .annotate(**figures)
        .order_by("-owned", "owner")
    ]
    by_unit = [
        {"id": r["unit"], "name": r["unit__name"], **{k: r[k] for k in figures}}
        for r in plans.values("unit", "unit__name").annotate(**figures).order_by("-owned", "unit")
    ]
    return {
        "date_from": date_from,
        "date_to": date_to,
        "total": total,
        "by_leader": by_leader,
        "by_unit": by_unit,
    }


def ownership_by_unit(*, user, date_from: dt.date, date_to: dt.date) -> dict[int, dict]:
    """`ownership_counts`' owned and resolved per responsible unit alone, by unit
    id: one query for the analytics' leaders' figures (the same counts)."""
    plans = policy.visible_plans(user).filter(owned_on__gte=date_from, owned_on__lte=date_to)
    rows = plans.values("unit").annotate(
        owned=Count("id"), resolved=Count("id", filter=Q(state=PlanState.RESOLVED))
    )
    return {r["unit"]: {"owned": r["owned"], "resolved": r["resolved"]} for r in rows.order_by()}


def read_period(params) -> tuple[dt.date, dt.date, dict]:
    """The period of a count from a query (?year=2016, or ?from=&to=; default this
    year): (from, to, field errors). A malformed value is an error, not a default."""
    errors: dict[str, list[str]] = {}
    year = (params.get("year") or "").strip()
    this_year = calendar.today().year
    if year:
        if not year.isdigit() or not 1990 <= int(year) <= 2100:
            errors["year"] = [_("Give a year such as 2016.")]
            y = this_year
        else:
            y = int(year)
    else:
        y = this_year
    start, end = dt.date(y, 1, 1), dt.date(y, 12, 31)
    for name in ("from", "to"):
        raw = (params.get(name) or "").strip()
        if not raw:
            continue
        try:
            value = parse_date(raw)
        except ValueError:
            value = None
        if value is None:
            errors[name] = [_("Give a date as YYYY-MM-DD.")]
        elif name == "from":
            start = value
        else:
            end = value
    if not errors and start > end:
        errors["to"] = [_("The end of the period is before its start.")]
    return start, end, errors
