"""Pages of the mediation bodies' rosters (调解员名册)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.core import pii
from xinfang.core.exceptions import PermissionDenied
from xinfang.core.forms import submit

from .. import permissions as policy
from .. import selectors, services
from ..forms import cases as forms


@login_required
def rosters(request):
    bodies = list(selectors.visible_bodies(request.user))
    counts = selectors.roster_counts(bodies)
    rows = [{"body": b, **counts.get(b.pk, {"total": 0, "full_time": 0})} for b in bodies]
    return render(
        request,
        "mediation/rosters.html",
        {
            "rows": rows,
            "total": sum(r["total"] for r in rows),
            "full_time": sum(r["full_time"] for r in rows),
        },
    )


def _render_roster(request, body, *, bound=None, bound_for=None, status=200):
    user = request.user
    rows = selectors.roster(body, history=True)
    may_manage = policy.may(user, "roster", body)
    members = selectors.body_members(body) if may_manage else []
    for m in rows:
        m.phone_masked = pii.mask_phone(m.phone)
        if may_manage:
            m.form = (
                bound
                if bound is not None and bound_for == m.pk
                else forms.MediatorForm(prefix=f"m{m.pk}", members=members, editing=m)
            )
    add_form = None
    if may_manage:
        add_form = (
            bound
            if bound is not None and bound_for is None
            else forms.MediatorForm(prefix="add", members=members)
        )
    return render(
        request,
        "mediation/roster.html",
        {
            "body": body,
            "rows": rows,
            "active": sum(1 for m in rows if m.is_active),
            "full_time": sum(1 for m in rows if m.full_time and m.is_active),
            "open_cases": sum(m.caseload for m in rows),
            "may_manage": may_manage,
            "add_form": add_form,
        },
        status=status,
    )


@login_required
def roster(request, pk):
    return _render_roster(request, selectors.body_get(user=request.user, pk=pk))


@login_required
@require_POST
def roster_act(request, pk, mediator_pk=None, action="edit"):
    """Add a mediator to the body's roster, correct one, or (de)activate one."""
    user = request.user
    body = selectors.body_get(user=user, pk=pk)  # 404 before anything else
    mediator = None
    if mediator_pk is not None:
        mediator = next((m for m in selectors.roster(body) if m.pk == mediator_pk), None)
        if mediator is None:
            raise Http404
    if not policy.may(user, "roster", body):
        raise PermissionDenied()
    if action == "active":
        active = request.POST.get("active") == "1"
        services.mediator_set_active(actor=user, mediator_id=mediator.pk, active=active)
        done = _("%(name)s is back on the roster.") if active else _("%(name)s is deactivated.")
        messages.success(request, done % {"name": mediator.name})
        return redirect("mediation:roster", pk=body.pk)
    form = forms.MediatorForm(
        request.POST,
        prefix=f"m{mediator.pk}" if mediator else "add",
        members=selectors.body_members(body),
        editing=mediator,
    )
    bound_for = getattr(mediator, "pk", None)
    if not form.is_valid():
        return _render_roster(request, body, bound=form, bound_for=bound_for, status=400)
    if mediator is None:
        outcome = submit(
            form, lambda: services.mediator_add(actor=user, body=body, **form.service_fields())
        )
        done = _("%(name)s is on the roster.")
    else:
        outcome = submit(
            form,
            lambda: services.mediator_update(
                actor=user, mediator_id=mediator.pk, **form.service_fields()
            ),
        )
        done = _("%(name)s: saved.")
    if not outcome.ok:
        return _render_roster(request, body, bound=form, bound_for=bound_for, status=outcome.status)
    messages.success(request, done % {"name": outcome.result.name})
    return redirect("mediation:roster", pk=body.pk)
