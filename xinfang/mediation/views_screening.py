"""Pages of the daily screening, the ledger and the weekly meeting: input → access →
service → response.

Every read goes through screening/ledger/meetings selectors (what a user may not
see is a 404), every write through their services; a domain error becomes its
answer in `_domain_to_http` (NotFound 404, PermissionDenied 403) or is put back on
the form (InvalidInput 400, Conflict 409 with the page as it now is).
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.core import calendar, idempotency
from xinfang.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.core.inputs import optional_date, optional_id
from xinfang.core.views import domain_to_http as _domain_to_http
from xinfang.core.views import forbidden as _forbidden
from xinfang.orgs.models import Role, Unit, UnitKind

from . import forms_screening as forms
from . import ledger, meetings, screening
from .models import AgendaReason, MeetingItem

PER_PAGE = 25
SUBMITTED_KEY = "screening_submitted"


def domain_errors(view):
    """The one place where these pages answer the services' and selectors' domain
    errors that no form can show: NotFound → 404, PermissionDenied → 403."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (NotFound, PermissionDenied) as exc:
            return _domain_to_http(request, exc)

    return wrapped


def _date_param(value, default: dt.date) -> dt.date:
    """A page's date parameter; a bad one, or one outside the calendar's range
    (9999-12-31 has no next week), falls back to the default."""
    try:
        return optional_date(value, "date") or default
    except InvalidInput:
        return default


# --- the liaison's report -----------------------------------------------------------------


RESULT_MESSAGES = {
    "created": lambda: _("Reported. The township has it."),
    "added": lambda: _("Added to this day's report."),
    "replayed": lambda: _("This report had already arrived; it was stored once."),
    "unchanged": lambda: _("This day is already reported; nothing was changed."),
}


@login_required
@domain_errors
def report(request):
    """日排查: the liaison's daily report, from a phone."""
    user = request.user
    chosen = request.POST.get("village") or request.GET.get("village")
    try:
        if chosen:
            village = screening.village_for_report(user, chosen)
        else:
            villages = screening.reporting_villages(user)
            if not villages:
                raise PermissionDenied(_("Only the village's liaison reports its screening."))
            village = villages[0]
    except (NotFound, PermissionDenied) as exc:
        return _domain_to_http(request, exc)
    places = list(
        Unit.objects.filter(
            kind=UnitKind.TERRITORIAL, is_active=True, ancestor_links__ancestor=village
        ).order_by("depth", "sort_order", "code")
    )
    loose: list = []
    status = 200
    if request.method == "POST":
        form = forms.ReportForm(request.POST)
        formset = forms.DisputeFormSet(request.POST, prefix="disputes", places=places)
        if form.is_valid() and formset.is_valid():
            nil = form.cleaned_data["status"] == forms.NIL
            # A nil return leaves out rows typed before "nothing found" was chosen.
            rows, index = ([], []) if nil else forms.filled_rows(formset)
            try:
                done = screening.screening_report_submit(
                    actor=user,
                    village=village,
                    report_date=form.cleaned_data["report_date"],
                    nil=nil,
                    note=form.cleaned_data["note"],
                    disputes=rows,
                    idempotency_key=str(form.cleaned_data["token"]),
                )
            except InvalidInput as exc:
                loose = forms.add_service_errors(form, formset, exc.field_errors, index)
            except idempotency.IdempotencyKeyReused:
                # The form's token already sent other content (a kept draft): say so,
                # and give it a new token so that this report can be sent as new.
                form.add_error(None, idempotency.FORM_SENT_BEFORE)
                form.data = form.data.copy()
                form.data["token"] = str(uuid.uuid4())
            except (NotFound, PermissionDenied) as exc:
                return _domain_to_http(request, exc)
            else:
                request.session[SUBMITTED_KEY] = done.report.pk
                messages.success(request, RESULT_MESSAGES[done.result]())
                return redirect("mediation:screening_report_detail", pk=done.report.pk)
        status = 400
    else:
        form = forms.ReportForm(initial={"token": uuid.uuid4(), "status": ""})
        formset = forms.DisputeFormSet(prefix="disputes", places=places)
    today_report = (
        screening.visible_reports(user)
        .filter(village=village, report_date=calendar.today())
        .first()
    )
    return render(
        request,
        "mediation/screening/report.html",
        {
            "village": village,
            "villages": screening.reporting_villages(user),
            "form": form,
            "formset": formset,
            "loose_errors": loose,
            "has_errors": status != 200,
            "today_report": today_report,
            "draft_key": f"screening-draft:{user.pk}:{village.pk}",
        },
        status=status,
    )


@login_required
@domain_errors
def report_detail(request, pk):
    r = screening.report_get(user=request.user, pk=pk)
    just_submitted = request.session.pop(SUBMITTED_KEY, None) == r.pk
    disputes = list(r.disputes.all())
    return render(
        request,
        "mediation/screening/report_detail.html",
        {
            "r": r,
            "disputes": disputes,
            "just_submitted": just_submitted,
            "draft_key": f"screening-draft:{request.user.pk}:{r.village_id}",
            "may_report": r.village in screening.reporting_villages(request.user),
        },
    )


@login_required
@domain_errors
def report_list(request):
    user = request.user
    today = calendar.today()
    date_from = _date_param(request.GET.get("date_from"), today - dt.timedelta(days=13))
    date_to = _date_param(request.GET.get("date_to"), today)
    qs = screening.report_list(user=user, date_from=date_from, date_to=date_to)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    page.query = query.urlencode()
    return render(
        request,
        "mediation/screening/report_list.html",
        {
            "page": page,
            "date_from": date_from,
            "date_to": date_to,
            "may_report": bool(screening.reporting_villages(user)),
        },
    )


# --- the ledger ----------------------------------------------------------------------------


def _ledger_input(request):
    """The filters, checked: a bad value is shown on the form (400), a township or
    village the user may not see is a 404."""
    user = request.user
    townships = list(screening.ledger_townships(user))
    if not townships:
        raise PermissionDenied(_("The ledger is for the township's staff."))
    form = forms.LedgerFilterForm(request.GET or None, townships=townships)
    try:
        filters = ledger.parse_filters(user=user, raw=request.GET)
        errors = {}
    except InvalidInput as exc:
        filters, errors = {}, exc.field_errors
    form.is_valid()
    for name, msgs in errors.items():
        for m in msgs:
            form.add_error(name if name in form.fields else None, m)
    return townships, form, filters, errors


@login_required
@domain_errors
def ledger_page(request):
    """台账: the open disputes of the user's townships, with the villages that did not report."""
    try:
        townships, form, filters, errors = _ledger_input(request)
    except (NotFound, PermissionDenied) as exc:
        return _domain_to_http(request, exc)
    today = calendar.today()
    qs = ledger.with_parties(ledger.ledger(user=request.user, filters=filters, today=today))
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    page.rows = [ledger.row(d, today) for d in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    page.query = query.urlencode()

    # Missing reports of one day: for the township filtered on, or the user's only one.
    day = _date_param(request.GET.get("day"), today)
    township = None
    if filters.get("township"):
        township = next(t for t in townships if t.pk == filters["township"])
    elif len(townships) == 1:
        township = townships[0]
    missing = screening.missing_reports(township, day) if township else None
    week = screening.week_of(day)
    return render(
        request,
        "mediation/screening/ledger.html",
        {
            "filter_form": form,
            "filtered": bool(filters),
            "page": page,
            "township": township,
            "missing": missing,
            "missing_day": day,
            "missing_week": (
                screening.missing_reports_week(township, week[0], today) if township else None
            ),
            "week": week,
            "counts": ledger.counts(user=request.user, today=today),
            "export_query": query.urlencode(),
        },
        status=400 if errors else 200,
    )


@login_required
@domain_errors
def ledger_export(request):
    try:
        _townships, _form, filters, errors = _ledger_input(request)
    except (NotFound, PermissionDenied) as exc:
        return _domain_to_http(request, exc)
    if errors:
        return HttpResponse("; ".join(f"{k}: {v[0]}" for k, v in errors.items()), status=400)
    today = calendar.today()
    data = ledger.export_xlsx(user=request.user, filters=filters, today=today)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = _("ledger-%(date)s.xlsx") % {"date": today.isoformat()}
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


# --- the weekly meeting -------------------------------------------------------------------


@login_required
@domain_errors
def meeting_list(request):
    user = request.user
    townships = list(screening.ledger_townships(user))
    if not townships:
        return _forbidden(request, _("The weekly meetings are for the township's staff."))
    runs = [t for t in townships if screening.may_run_meeting(user, t)]
    form = None
    status = 200
    if runs:
        if request.method == "POST":
            form = forms.MeetingCreateForm(request.POST, townships=runs)
            if form.is_valid():
                township = next(t for t in runs if t.pk == form.cleaned_data["township"])
                try:
                    m = meetings.meeting_create(
                        actor=user,
                        township=township,
                        held_on=form.cleaned_data["held_on"],
                        chair=form.cleaned_data["chair"],
                    )
                except Conflict as exc:
                    messages.info(request, exc.message)
                    return redirect("mediation:meeting", pk=exc.meeting.pk)
                except InvalidInput as exc:
                    for name, msgs in exc.field_errors.items():
                        for msg in msgs:
                            form.add_error(name if name in form.fields else None, msg)
                except (NotFound, PermissionDenied) as exc:
                    return _domain_to_http(request, exc)
                else:
                    messages.success(request, _("The meeting is open with its agenda."))
                    return redirect("mediation:meeting", pk=m.pk)
            status = 400
        else:
            form = forms.MeetingCreateForm(townships=runs)
    elif request.method == "POST":
        return _forbidden(request, _("Only the township's staff run its weekly meeting."))
    try:
        township_id = optional_id(request.GET.get("township"), "township")
    except InvalidInput:
        township_id = None  # a filter that is no id filters nothing
    qs = meetings.meeting_list(user=user, township_id=township_id)
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
    may_run = screening.may_run_meeting(user, township) and not meeting.closed
    today = calendar.today()
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


@login_required
@domain_errors
def meeting_page(request, pk):
    meeting = meetings.meeting_get(user=request.user, pk=pk)
    return _render_meeting(request, meeting)


def _meeting_action(request, pk, act):
    """Run one write on a meeting; domain errors become their answers."""
    meeting = meetings.meeting_get(user=request.user, pk=pk)
    try:
        return act(meeting)
    except (NotFound, PermissionDenied) as exc:
        return _domain_to_http(request, exc)
    except Conflict as exc:
        meeting = meetings.meeting_get(user=request.user, pk=pk)
        return _render_meeting(request, meeting, error=exc.message, status=409)


@login_required
@domain_errors
@require_POST
def meeting_decide(request, pk, item_pk):
    def act(meeting):
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
        if form.is_valid():
            try:
                meetings.meeting_decide_item(actor=request.user, item=item, **form.cleaned_data)
            except InvalidInput as exc:
                for name, msgs in exc.field_errors.items():
                    for m in msgs:
                        form.add_error(name if name in form.fields else None, m)
            else:
                messages.success(
                    request, _("Decided: %(number)s.") % {"number": item.dispute.number}
                )
                return redirect(
                    reverse("mediation:meeting", args=[meeting.pk]) + f"#item-{item.pk}"
                )
        return _render_meeting(request, meeting, bound=form, status=400)

    return _meeting_action(request, pk, act)


@login_required
@domain_errors
@require_POST
def meeting_minutes(request, pk):
    def act(meeting):
        form = forms.MinutesForm(request.POST)
        if form.is_valid():
            try:
                meetings.meeting_minutes_save(
                    actor=request.user, meeting=meeting, **form.cleaned_data
                )
            except InvalidInput as exc:
                for name, msgs in exc.field_errors.items():
                    for m in msgs:
                        form.add_error(name if name in form.fields else None, m)
            else:
                if request.POST.get("close"):
                    try:
                        meetings.meeting_close(actor=request.user, meeting=meeting)
                    except InvalidInput as exc:
                        messages.error(request, exc.message)
                        for msgs in exc.field_errors.values():
                            for m in msgs:
                                messages.error(request, m)
                        return redirect("mediation:meeting", pk=meeting.pk)
                    messages.success(request, _("The minutes are closed."))
                else:
                    messages.success(request, _("The minutes are saved."))
                return redirect("mediation:meeting", pk=meeting.pk)
        return _render_meeting(request, meeting, minutes_form=form, status=400)

    return _meeting_action(request, pk, act)


@login_required
@domain_errors
@require_POST
def meeting_refresh(request, pk):
    def act(meeting):
        n = meetings.meeting_refresh_agenda(actor=request.user, meeting=meeting)
        messages.success(request, _("%(n)d new items added to the agenda.") % {"n": n})
        return redirect("mediation:meeting", pk=meeting.pk)

    return _meeting_action(request, pk, act)


@login_required
@domain_errors
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


# --- start pages -------------------------------------------------------------------------------

STAFF_ROLES = set(screening.LEDGER_ROLES)


def start_panel(request, role):
    """The liaison's "reported today?" and the township staff's ledger and meeting."""
    user = request.user
    if role == Role.LIAISON:
        rows = screening.reported_today(user)
        if not rows:
            return None
        lines = [
            (
                v.name,
                (_("Reported (nothing found)") if r.nil else _("Reported"))
                if r
                else _("Not reported yet"),
            )
            for v, r in rows
        ]
        return {
            "title": _("Today's screening"),
            "lines": lines,
            "links": [(_("Report today's screening"), reverse("mediation:screening_report"))],
        }
    if role not in STAFF_ROLES or not screening.township_ids_for(user, "read_ledger"):
        return None
    counts = ledger.counts(user=user)
    lines = [(_("Open disputes"), counts["open"]), (_("Overdue"), counts["overdue"])]
    for township, meeting in meetings.this_weeks_meeting(user)[:3]:
        lines.append(
            (
                _("This week's meeting: %(township)s") % {"township": township.name},
                (_("Closed") if meeting.closed else _("Open")) if meeting else _("Not held yet"),
            )
        )
    return {
        "title": _("Dispute ledger"),
        "lines": lines,
        "links": [
            (_("Open the ledger"), reverse("mediation:ledger")),
            (_("Weekly meetings"), reverse("mediation:meetings")),
        ],
    }
