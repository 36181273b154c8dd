"""Pages of the township's weekly meeting (周碰头会): the list, the agenda with its
decisions, the minutes, the printout."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.core import calendar
from xinfang.core.exceptions import PermissionDenied
from xinfang.core.forms import submit

from .. import ledger, meetings, screening
from ..forms import screening as forms
from ..forms.common import errors_text
from ..models import AgendaReason, MeetingItem
from ..workflow import MEETING
from .params import id_param

PER_PAGE = 25


@login_required
def meeting_list(request):
    user = request.user
    townships = list(screening.ledger_townships(user))
    if not townships:
        raise PermissionDenied(_("The weekly meetings are for the township's staff."))
    runs = [t for t in townships if screening.may_run_meeting(user, t)]
    form = None
    status = 200
    if runs:
        if request.method == "POST":
            form = forms.MeetingCreateForm(request.POST, townships=runs)
            if form.is_valid():
                c = form.cleaned_data
                township = next(t for t in runs if t.pk == c["township"])
                existing = meetings.meeting_of_week(township, c["held_on"])
                if existing is not None:
                    messages.info(request, _("This township already has a meeting for that week."))
                    return redirect("mediation:meeting", pk=existing.pk)
                outcome = submit(
                    form,
                    lambda: meetings.meeting_create(
                        actor=user, township=township, held_on=c["held_on"], chair=c["chair"]
                    ),
                )
                if outcome.ok:
                    messages.success(request, _("The meeting is open with its agenda."))
                    return redirect("mediation:meeting", pk=outcome.result.pk)
            status = 400
        else:
            form = forms.MeetingCreateForm(townships=runs)
    elif request.method == "POST":
        raise PermissionDenied(_("Only the township's staff run its weekly meeting."))
    qs = meetings.meeting_list(user=user, township_id=id_param(request.GET.get("township")))
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    page.query = ""
    return render(
        request,
        "mediation/screening/meeting_list.html",
        {"page": page, "form": form, "many": len(townships) > 1},
        status=status,
    )


def _item_rows(meeting, *, user, bound=None):
    """Each agenda item with its decision form (or the bound one that failed)."""
    township = meeting.township
    bodies = meetings.body_choices(township)
    leaders = list(meetings.leader_choices(township))
    suggested = meetings.suggested_bodies(township)
    may_run = any(t.name == "decide" for t in MEETING.allowed(user, meeting))
    # A closed meeting is a record: its disputes' ages as of the day it was held.
    today = meeting.held_on if meeting.closed else calendar.today()
    groups = {r.value: {"reason": r, "items": []} for r in AgendaReason}
    for item in meeting.items.all():
        form = None
        fixed = meetings.body_is_fixed(item.dispute, getattr(item, "has_open_case", None))
        if may_run:
            if bound is not None and bound.prefix == f"item-{item.pk}":
                form = bound
            else:
                initial = {
                    "classified_type": item.classified_type or item.dispute.type,
                    "body": (
                        str(item.body_id)
                        if item.body_id
                        else (
                            meetings.KEEP_WITH_TOWNSHIP
                            if item.decided_at
                            else suggested.get(item.dispute.type, meetings.KEEP_WITH_TOWNSHIP)
                        )
                    ),
                    "responsible_leader": item.responsible_leader_id,
                    "responsible_person": item.responsible_person,
                    "deadline": item.deadline,
                    "decision": item.decision,
                }
                form = forms.DecisionForm(
                    prefix=f"item-{item.pk}",
                    township=township,
                    bodies=bodies,
                    leaders=leaders,
                    initial=initial,
                    fixed_body=item.dispute.body if fixed else None,
                )
        groups[item.reason]["items"].append(
            {"item": item, "row": ledger.row(item.dispute, today), "form": form}
        )
    return [g for g in groups.values() if g["items"]], may_run


def _render_meeting(request, meeting, *, bound=None, minutes_form=None, error=None, status=200):
    groups, may_run = _item_rows(meeting, user=request.user, bound=bound)
    if minutes_form is None and may_run:
        minutes_form = forms.MinutesForm(
            initial={
                "held_on": meeting.held_on,
                "chair": meeting.chair,
                "attendees": meeting.attendees,
                "minutes": meeting.minutes,
            }
        )
    items = [i for g in groups for i in g["items"]]
    return render(
        request,
        "mediation/screening/meeting.html",
        {
            "meeting": meeting,
            "week_end": meeting.week_start + dt.timedelta(days=6),
            "groups": groups,
            "decided": sum(1 for i in items if i["item"].decided_at),
            "total": len(items),
            "missing": meetings.meeting_missing(meeting),
            "may_run": may_run,
            "minutes_form": minutes_form,
            "error": error,
        },
        status=status,
    )


def _answer(request, pk, outcome, form, **bound):
    """The meeting page again for a write that did not go through: as it now is
    with what changed (409), or with the form's errors (400)."""
    meeting = meetings.meeting_get(user=request.user, pk=pk)
    if outcome is not None and outcome.status == 409:
        error = " ".join(str(m) for m in form.non_field_errors())
        return _render_meeting(request, meeting, error=error, status=409)
    return _render_meeting(request, meeting, status=400, **bound)


@login_required
def meeting_page(request, pk):
    meeting = meetings.meeting_get(user=request.user, pk=pk)
    return _render_meeting(request, meeting)


@login_required
@require_POST
def meeting_decide(request, pk, item_pk):
    meeting = meetings.meeting_get(user=request.user, pk=pk)
    item = MeetingItem.objects.filter(pk=item_pk, meeting=meeting).first()
    if item is None:
        raise Http404
    fixed = meetings.body_is_fixed(item.dispute, getattr(item, "has_open_case", None))
    form = forms.DecisionForm(
        request.POST,
        prefix=f"item-{item.pk}",
        township=meeting.township,
        fixed_body=item.dispute.body if fixed else None,
    )
    outcome = None
    if form.is_valid():
        outcome = submit(
            form,
            lambda: meetings.meeting_decide_item(
                actor=request.user, item=item, **form.cleaned_data
            ),
        )
        if outcome.ok:
            messages.success(request, _("Decided: %(number)s.") % {"number": item.dispute.number})
            return redirect(reverse("mediation:meeting", args=[meeting.pk]) + f"#item-{item.pk}")
    return _answer(request, pk, outcome, form, bound=form)


@login_required
@require_POST
def meeting_minutes(request, pk):
    meeting = meetings.meeting_get(user=request.user, pk=pk)
    form = forms.MinutesForm(request.POST)
    outcome = None
    if form.is_valid():
        outcome = submit(
            form,
            lambda: meetings.meeting_minutes_save(
                actor=request.user, meeting=meeting, **form.cleaned_data
            ),
        )
        if outcome.ok:
            if not request.POST.get("close"):
                messages.success(request, _("The minutes are saved."))
                return redirect("mediation:meeting", pk=meeting.pk)
            closing = forms.MinutesForm(request.POST)
            closing.is_valid()
            closed = submit(
                closing, lambda: meetings.meeting_close(actor=request.user, meeting=meeting)
            )
            if closed.ok:
                messages.success(request, _("The minutes are closed."))
            else:
                messages.error(request, _("The minutes cannot be closed yet."))
                for message in errors_text(closing).split("; "):
                    messages.error(request, message)
            return redirect("mediation:meeting", pk=meeting.pk)
    return _answer(request, pk, outcome, form, minutes_form=form)


@login_required
@require_POST
def meeting_refresh(request, pk):
    meeting = meetings.meeting_get(user=request.user, pk=pk)
    n = meetings.meeting_refresh_agenda(actor=request.user, meeting=meeting)
    messages.success(request, _("%(n)d new items added to the agenda.") % {"n": n})
    return redirect("mediation:meeting", pk=meeting.pk)


@login_required
def meeting_print(request, pk):
    """The minutes as a township files them: agenda, decisions, missing reports."""
    meeting = meetings.meeting_get(user=request.user, pk=pk)
    today = calendar.today()
    return render(
        request,
        "mediation/screening/meeting_print.html",
        {
            "meeting": meeting,
            "week_end": meeting.week_start + dt.timedelta(days=6),
            "items": [
                {"item": i, "row": ledger.row(i.dispute, today)} for i in meeting.items.all()
            ],
            "missing": meetings.meeting_missing(meeting),
        },
    )
