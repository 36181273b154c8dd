"""Pages of the daily screening (日排查): the liaison's report, the reports.

Thin views: input → access → service → response. Every read goes through the
screening selectors (what a user may not see is a 404); the form's own errors
come back on it (core.forms.submit), any other domain error is answered by
core.middleware.DomainErrorPagesMiddleware.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from xinfang.core import calendar
from xinfang.core.exceptions import PermissionDenied
from xinfang.orgs.models import Unit, UnitKind

from .. import screening
from ..forms import screening as forms
from ..forms.common import submit_once
from .params import date_param

PER_PAGE = 25
SUBMITTED_KEY = "screening_submitted"

RESULT_MESSAGES = {
    "created": lambda: _("Reported. The township has it."),
    "added": lambda: _("Added to this day's report."),
    "replayed": lambda: _("This report had already arrived; it was stored once."),
    "unchanged": lambda: _("This day is already reported; nothing was changed."),
}


def _village(request):
    chosen = request.POST.get("village") or request.GET.get("village")
    if chosen:
        return screening.village_for_report(request.user, chosen)
    villages = screening.reporting_villages(request.user)
    if not villages:
        raise PermissionDenied(_("Only the village's liaison reports its screening."))
    return villages[0]


@login_required
def report(request):
    """日排查: the liaison's daily report, from a phone."""
    user = request.user
    village = _village(request)
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
            outcome = submit_once(
                form,
                lambda: screening.screening_report_submit(
                    actor=user,
                    village=village,
                    report_date=form.cleaned_data["report_date"],
                    nil=nil,
                    note=form.cleaned_data["note"],
                    disputes=rows,
                    idempotency_key=str(form.cleaned_data["token"]),
                ),
                token_field="token",
                placer=forms.report_placer(form, formset, index),
            )
            if outcome.ok:
                done = outcome.result
                request.session[SUBMITTED_KEY] = done.report.pk
                messages.success(request, RESULT_MESSAGES[done.result]())
                return redirect("mediation:screening_report_detail", pk=done.report.pk)
            loose = outcome.loose
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
def report_list(request):
    user = request.user
    today = calendar.today()
    date_from = date_param(request.GET.get("date_from"), today - dt.timedelta(days=13))
    date_to = date_param(request.GET.get("date_to"), today)
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
