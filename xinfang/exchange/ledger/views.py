"""The administrator's pages: upload, map, watch, download the rejected rows."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xinfang.core.forms import submit

from ..models.ledger import ImportState
from . import selectors, services
from .forms import MappingForm, UploadForm
from .permissions import may_import
from .report import rejected_rows_csv

REFRESH_SECONDS = 2


def _admin_only(request) -> None:
    if not may_import(request.user):
        raise Http404


@login_required
def import_list(request):
    _admin_only(request)
    form = UploadForm()
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            out = submit(
                form,
                lambda: services.ledger_upload(
                    actor=request.user,
                    file=form.cleaned_data["file"],
                    kind=form.cleaned_data["kind"],
                    source=form.cleaned_data["source"],
                ),
            )
            if out.ok:
                return redirect("ledger:detail", out.result.pk)
            status = out.status
        else:
            status = 400
    return render(
        request,
        "exchange/ledger_list.html",
        {
            "form": form,
            "imports": selectors.recent_imports(),
            "sources": selectors.saved_sources(),
        },
        status=status,
    )


@login_required
def import_detail(request, pk: int):
    imp = services.import_get(actor=request.user, import_id=pk)
    form = None
    status = 200
    if imp.state == ImportState.UPLOADED:
        saved = imp.mapping.columns if imp.mapping else None
        bound = request.POST if request.method == "POST" else None
        form = MappingForm(bound, kind=imp.kind, headers=imp.headers, saved=saved)
        if request.method == "POST" and form.is_valid():
            out = submit(
                form,
                lambda: services.ledger_start(
                    actor=request.user, import_id=imp.pk, columns=form.columns()
                ),
            )
            if out.ok:
                return redirect("ledger:detail", imp.pk)
            status = out.status
    return render(
        request,
        "exchange/ledger_detail.html",
        {
            "imp": imp,
            "form": form,
            "refresh": REFRESH_SECONDS if imp.is_active else None,
            "rejections": selectors.first_rejections(imp) if imp.state == ImportState.DONE else [],
        },
        status=status,
    )


@login_required
def import_progress(request, pk: int):
    """The figures alone, for the page's script (JSON)."""
    imp = services.import_get(actor=request.user, import_id=pk)
    return JsonResponse(
        {
            "state": imp.state,
            "total": imp.total_rows,
            "done": imp.done_rows,
            "percent": imp.percent,
            "created": imp.created_count,
            "skipped": imp.skipped_count,
            "rejected": imp.rejected_count,
        }
    )


@login_required
@require_POST
def import_resume(request, pk: int):
    services.ledger_resume(actor=request.user, import_id=pk)
    return redirect("ledger:detail", pk)


@login_required
def rejected_rows(request, pk: int):
    imp = services.import_get(actor=request.user, import_id=pk)
    response = StreamingHttpResponse(rejected_rows_csv(imp), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ledger-{imp.pk}-rejected.csv"'
    return response
