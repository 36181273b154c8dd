"""The analytics' background work: an issued monthly report's PDF is drawn on a
worker (core.tasks), not in the request that issues it; the page serves the
stored file after."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.tasks import task

from xinfang.core import tasks

from . import monthly_documents
from .models import MonthlyReport


@task()
def render_issued_report(pk: int, attempt: int = 1) -> str:
    """Draw the issued report's PDF from its frozen figures and keep it. Safe to
    run again: a report that has its PDF is left as it is. A failure (no font
    for Chinese on the worker, a full disk) is tried again with backoff; until
    then the page draws the PDF itself."""
    report = MonthlyReport.objects.select_related("unit").filter(pk=pk).first()
    if report is None or not report.issued or report.pdf:
        return "skipped"
    try:
        content = monthly_documents.pdf(report, report.figures)
        name = f"monthly-report-{report.unit.code}-{report.month:%Y-%m}-{report.pk}.pdf"
        report.pdf.save(name, ContentFile(content), save=False)
    except Exception:
        tasks.retry(render_issued_report, attempt, pk)
        raise
    # Only a report still without its PDF takes this one (two runs at once).
    MonthlyReport.objects.filter(pk=pk, pdf="").update(pdf=report.pdf.name)
    return "drawn"
