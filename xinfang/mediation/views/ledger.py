"""The township's ledger (台账) page and its .xlsx."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from xinfang.core import calendar
from xinfang.core.exceptions import PermissionDenied

from .. import ledger, screening
from ..forms import screening as forms
from .params import date_param

PER_PAGE = 25


def _ledger_input(request):
    """The filters, checked: a bad value is shown on the form (400), a township or
    village the user may not see is a 404."""
    user = request.user
    townships = list(screening.ledger_townships(user))
    if not townships:
        raise PermissionDenied(_("The ledger is for the township's staff."))
    form = forms.LedgerFilterForm(request.GET or None, townships=townships)
    filters, errors = ledger.read_filters(user=user, raw=request.GET)
    form.is_valid()
    for name, msgs in errors.items():
        for m in msgs:
            form.add_error(name if name in form.fields else None, m)
    return townships, form, filters, errors


@login_required
def ledger_page(request):
    """台账: the open disputes of the user's townships, with the villages that did not report."""
    townships, form, filters, errors = _ledger_input(request)
    today = calendar.today()
    qs = ledger.with_parties(ledger.ledger(user=request.user, filters=filters, today=today))
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    page.rows = [ledger.row(d, today) for d in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    page.query = query.urlencode()

    # Missing reports of one day: for the township filtered on, or the user's only one.
    day = date_param(request.GET.get("day"), today)
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
def ledger_export(request):
    _townships, _form, filters, errors = _ledger_input(request)
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
