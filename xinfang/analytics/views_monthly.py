"""Pages of the monthly report (月度信访形势分析): the list of the user's units'
reports, drawing a draft up, editing its commentary, issuing it, and the PDF and
.xlsx downloads. Thin: parse → core.forms.submit(service) → redirect, or the page
again with the outcome's status; NotFound goes to DomainErrorPagesMiddleware.
A draft's figures are computed for the page as they stand; an issued report's
are the frozen ones."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from xinfang.core import idempotency
from xinfang.core.documents import pdf_response
from xinfang.core.exceptions import NotFound
from xinfang.core.forms import submit, submit_once

from . import monthly, monthly_documents, services
from .forms import CommentaryForm, GenerateForm, IssueForm
from .monthly_permissions import may_write, report_get, visible_reports
from .permissions import may_read

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _figures(request, report):
    if report.issued:
        return report.figures
    return monthly.figures(request.user, report.unit, report.month)


@login_required
def report_list(request):
    if not may_read(request.user):
        raise NotFound()
    form = GenerateForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            fields = dict(form.cleaned_data)
            key = idempotency.scoped(
                idempotency.user_scope(request.user), fields.pop("idempotency_key")
            )
            fingerprint = idempotency.fingerprint(
                {"unit": fields["unit"].pk, "month": fields["month"]}
            )

            def generate():
                return services.report_replay(
                    actor=request.user, idempotency_key=key, fingerprint=fingerprint
                ) or services.report_generate(
                    actor=request.user,
                    idempotency_key=key,
                    idempotency_fingerprint=fingerprint,
                    **fields,
                )

            outcome = submit_once(form, generate, token_field="idempotency_key")
            if outcome.ok:
                return redirect("analytics:monthly", outcome.result.pk)
            status = outcome.status
        else:
            status = 400
    return render(
        request,
        "analytics/monthly_list.html",
        {
            "reports": visible_reports(request.user).order_by("-month", "unit__code")[:200],
            "form": form if form.fields["unit"].queryset.exists() else None,
        },
        status=status,
    )


def _detail(request, report, *, form=None, issue_form=None, status=200):
    writable = not report.issued and may_write(request.user, report.unit)
    figures = _figures(request, report)
    return render(
        request,
        "analytics/monthly_detail.html",
        {
            "report": report,
            "f": figures,
            "summary": monthly.summary(figures),
            "month": monthly.month_label(figures["month"]),
            "form": (form or CommentaryForm(instance=report, initial={"version": report.version}))
            if writable
            else None,
            "issue_form": (issue_form or IssueForm(initial={"version": report.version}))
            if writable
            else None,
        },
        status=status,
    )


@login_required
def report_detail(request, pk):
    report = report_get(user=request.user, pk=pk)
    if request.method != "POST":
        return _detail(request, report)
    form = CommentaryForm(request.POST, instance=report)
    if not form.is_valid():
        return _detail(request, report, form=form, status=400)
    data = dict(form.cleaned_data)
    outcome = submit(
        form,
        lambda: services.report_edit(
            actor=request.user, pk=report.pk, version=data.pop("version"), **data
        ),
    )
    if outcome.ok:
        return redirect("analytics:monthly", report.pk)
    report.refresh_from_db()
    return _detail(request, report, form=form, status=outcome.status)


@login_required
@require_POST
def report_issue(request, pk):
    report = report_get(user=request.user, pk=pk)
    form = IssueForm(request.POST)
    if not form.is_valid():
        return _detail(request, report, issue_form=form, status=400)
    outcome = submit(
        form,
        lambda: services.report_issue(
            actor=request.user, pk=report.pk, version=form.cleaned_data["version"]
        ),
    )
    if outcome.ok:
        return redirect("analytics:monthly", report.pk)
    report.refresh_from_db()
    return _detail(request, report, issue_form=form, status=outcome.status)


def _name(report, ext: str) -> str:
    return f"monthly-report-{report.unit.code}-{report.month:%Y-%m}.{ext}"


@login_required
def report_pdf(request, pk):
    """The A4 PDF. No font for Chinese is a FontUnavailable (503), answered by the
    error boundary."""
    report = report_get(user=request.user, pk=pk)
    if report.issued and report.pdf:
        with report.pdf.open("rb") as stored:  # drawn by the worker at issue
            content = stored.read()
    else:  # a draft (live figures), or an issued one whose PDF is not drawn yet
        content = monthly_documents.pdf(report, _figures(request, report))
    title = f"{report.unit.name}{monthly.month_label(f'{report.month:%Y-%m}')}信访形势分析.pdf"
    response = pdf_response(content, filename=title, ascii_filename=_name(report, "pdf"))
    return response


@login_required
def report_xlsx(request, pk):
    report = report_get(user=request.user, pk=pk)
    response = HttpResponse(
        monthly_documents.xlsx(report, _figures(request, report)), content_type=XLSX
    )
    response["Content-Disposition"] = content_disposition_header(True, _name(report, "xlsx"))
    return response
