"""Pages of case ownership (领导包案): the leader's matters, one plan, owning a
matter with a plan, the counts. Thin: parse → core.forms.submit(service) →
redirect, or the form again with the outcome's status; domain errors go to
DomainErrorPagesMiddleware."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xinfang.core import calendar
from xinfang.core.exceptions import NotFound, PermissionDenied
from xinfang.core.forms import say_why_if_hidden, submit
from xinfang.petitions import selectors as petition_selectors

from .. import permissions as policy
from .. import selectors, services
from ..forms.ownership import MOVE_FORMS, HandoverForm, PlanForm
from ..models import PlanState
from ..workflow import PLAN, PLANS
from . import posted_version


@login_required
def my_plans(request):
    """The leader's page: the matters they own, overdue first, and this week's moves."""
    today = calendar.today()
    plans = selectors.plans_owned_by(request.user, today=today)
    week = timezone.now() - dt.timedelta(days=7)
    return render(
        request,
        "leadership/ownership_mine.html",
        {
            "plans": plans,
            "active": [p for p in plans if p.state == PlanState.ACTIVE],
            "resolved": [p for p in plans if p.state != PlanState.ACTIVE],
            "overdue": sum(1 for p in plans if p.overdue),
            "moved": selectors.moved_since(request.user, since=week),
            "today": today,
        },
    )


def _move_form(name, plan, data=None):
    cls = MOVE_FORMS[name]
    kw = {"petition": plan.petition} if cls is HandoverForm else {}
    return cls(data, prefix=name, **kw)


def _render_plan(request, plan, *, bound=None, status=200):
    allowed = [t.name for t in PLAN.allowed(request.user, plan)]
    say_why_if_hidden(request, bound, allowed)
    forms = {
        name: bound if bound is not None and bound.prefix == name else _move_form(name, plan)
        for name in allowed
    }
    return render(
        request,
        "leadership/ownership_plan.html",
        {
            "plan": plan,
            "p": plan.petition,
            "events": selectors.timeline(plan),
            "moves": [(PLANS[n].label, n, forms[n]) for n in allowed],
            "overdue": plan.is_overdue(calendar.today()),
        },
        status=status,
    )


@login_required
def plan_detail(request, pk):
    return _render_plan(request, selectors.plan_get(user=request.user, pk=pk))


@login_required
@require_POST
def plan_act(request, pk, action):
    plan = selectors.plan_get(user=request.user, pk=pk)  # 404 before anything else
    if action not in MOVE_FORMS:
        raise NotFound()
    form = _move_form(action, plan, request.POST)
    if not form.is_valid():
        return _render_plan(request, plan, bound=form, status=400)
    fields = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    outcome = submit(
        form,
        lambda: PLAN.run(
            action,
            actor=request.user,
            plan_id=plan.pk,
            version=posted_version(request, plan.version),
            **fields,
        ),
    )
    if outcome.ok:
        return redirect("leadership:plan", plan.pk)
    return _render_plan(request, plan, bound=form, status=outcome.status)


@login_required
def plan_new(request, petition_pk):
    """Own a matter with a plan (一案一策)."""
    p = petition_selectors.petition_get(user=request.user, pk=petition_pk)
    existing = selectors.plan_of(user=request.user, petition=p)
    if existing is not None:
        return redirect("leadership:plan", existing.pk)
    if not policy.may_assign_owner(request.user, p):
        raise PermissionDenied()
    form = PlanForm(request.POST or None, petition=p, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            outcome = submit(
                form,
                lambda: services.plan_create(actor=request.user, petition=p, **form.cleaned_data),
            )
            if outcome.ok:
                return redirect("leadership:plan", outcome.result.pk)
            status = outcome.status
        else:
            status = 400
    return render(request, "leadership/ownership_new.html", {"form": form, "p": p}, status=status)


@login_required
def ownership_stats(request):
    """Owned and resolved per leader and unit, over a period (default: this year)."""
    date_from, date_to, errors = selectors.read_period(request.GET)
    error = "; ".join(str(m) for ms in errors.values() for m in ms) or None
    counts = selectors.ownership_counts(user=request.user, date_from=date_from, date_to=date_to)
    return render(
        request,
        "leadership/ownership_stats.html",
        {"c": counts, "error": error},
        status=400 if error else 200,
    )
