"""The monthly report's steps: draw up a draft, edit its commentary, issue it.

- `report_generate`: a draft for a unit and a past or running month (one per unit
  and month: a second request for the same pair answers the existing report; the
  form's one-time token makes a double submit one report, core.forms.submit_once);
- `report_edit`: the three parts of the commentary, while a draft (409 once
  issued, or when someone saved in between: the version);
- `report_issue`: the figures computed once more and frozen as JSON, a number
  from core.numbering (gap-free per unit and year, taken last), the date; an
  issued report never changes.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xinfang.core import calendar, idempotency, numbering
from xinfang.core import tasks as core_tasks
from xinfang.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.orgs.models import Unit, UnitKind

from . import monthly, signals
from .models import COMMENTARY, MonthlyReport, ReportState
from .monthly_permissions import may_write, report_get
from .permissions import readable_units
from .tasks import render_issued_report

MAX_COMMENTARY = 5000


def _check_writer(actor, unit: Unit) -> None:
    if not readable_units(actor).filter(pk=unit.pk).exists():
        raise NotFound()
    if not may_write(actor, unit):
        raise PermissionDenied(_("Only a leader or the petition office may do this."))


def report_replay(*, actor, idempotency_key: str | None, fingerprint: str):
    """The report an earlier request with this (user-scoped) key made, if any."""
    if not idempotency_key:
        return None
    existing = MonthlyReport.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        return None
    if not idempotency.in_force(existing.created_at):
        MonthlyReport.objects.filter(pk=existing.pk).update(idempotency_key=None)
        return None
    idempotency.check_replay(
        stored_fingerprint=existing.idempotency_fingerprint, fingerprint=fingerprint
    )
    return report_get(user=actor, pk=existing.pk)


def report_generate(
    *,
    actor,
    unit: Unit,
    month: dt.date,
    idempotency_key: str | None = None,
    idempotency_fingerprint: str = "",
) -> MonthlyReport:
    """A draft for the unit and month (or the report already drawn up for them)."""
    if not isinstance(unit, Unit):
        raise NotFound()
    _check_writer(actor, unit)
    if unit.kind != UnitKind.TERRITORIAL:
        raise InvalidInput(field_errors={"unit": [_("Choose a city, township or village.")]})
    month = month.replace(day=1)
    if month > calendar.today():
        raise InvalidInput(field_errors={"month": [_("That month has not begun yet.")]})
    existing = MonthlyReport.objects.filter(unit=unit, month=month).first()
    if existing is not None:
        return existing
    figures = monthly.figures(actor, unit, month)
    try:
        with transaction.atomic():
            return MonthlyReport.objects.create(
                unit=unit,
                month=month,
                overview=monthly.default_overview(figures),
                created_by=actor,
                idempotency_key=idempotency_key,
                idempotency_fingerprint=idempotency_fingerprint,
            )
    except IntegrityError:
        # The same unit and month drawn up at the same moment: that one is the report.
        existing = MonthlyReport.objects.filter(unit=unit, month=month).first()
        if existing is None:
            raise
        return existing


def _draft_for(actor, pk: int, version: int | None) -> MonthlyReport:
    report = report_get(user=actor, pk=pk)
    _check_writer(actor, report.unit)
    if report.issued:
        raise Conflict(_("The report was issued: it no longer changes."))
    if version is not None and version != report.version:
        raise Conflict(_("Someone saved the report in the meantime; reload and try again."))
    return report


def report_edit(*, actor, pk: int, version: int | None = None, **texts) -> MonthlyReport:
    """Save the commentary (overview, problems, measures) of a draft."""
    errors = {}
    for name in COMMENTARY:
        if len(texts.get(name) or "") > MAX_COMMENTARY:
            errors[name] = [_("At most %(n)d characters.") % {"n": MAX_COMMENTARY}]
    if errors:
        raise InvalidInput(field_errors=errors)
    with transaction.atomic():
        report = _draft_for(actor, pk, version)
        report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
        if report.issued or (version is not None and version != report.version):
            raise Conflict(_("Someone saved the report in the meantime; reload and try again."))
        for name in COMMENTARY:
            setattr(report, name, (texts.get(name) or "").strip())
        report.version += 1
        report.save()
    return report


def report_number(unit: Unit, year: int) -> str:
    """舞钢市信访形势分析〔2026〕3号: the unit's gap-free sequence for the year."""
    n = numbering.sequence_next(f"monthly-report-{unit.code}-{year}")
    return _("%(unit)s situation analysis [%(year)d] no. %(n)d") % {
        "unit": unit.short_name or unit.name,
        "year": year,
        "n": n,
    }


def report_issue(*, actor, pk: int, version: int | None = None) -> MonthlyReport:
    """Freeze the figures, number and date the report. A second issue is a 409."""
    report = _draft_for(actor, pk, version)
    if not (report.overview or report.problems or report.measures).strip():
        raise InvalidInput(
            field_errors={"overview": [_("Write the commentary before issuing the report.")]}
        )
    figures = monthly.figures(actor, report.unit, report.month)
    today = calendar.today()
    with transaction.atomic():
        locked = MonthlyReport.objects.select_for_update().get(pk=report.pk)
        if locked.issued:
            raise Conflict(_("The report was issued: it no longer changes."))
        if version is not None and version != locked.version:
            raise Conflict(_("Someone saved the report in the meantime; reload and try again."))
        locked.figures = figures
        locked.state = ReportState.ISSUED
        locked.issued_on = today
        locked.issued_by = actor
        locked.version += 1
        locked.number = report_number(report.unit, today.year)  # taken last
        locked.save()
        # The A4 PDF is drawn on a worker (with the issue: a rolled-back issue
        # queues nothing).
        core_tasks.enqueue(render_issued_report, locked.pk)
    return locked


def summaries_refreshed_once():
    """A block whose saved matters get their facts and summary rows once, at its
    end, in the caller's transaction (signals.refresh_once): for a writer of many
    matters at a time, such as the exchange's ledger import."""
    return signals.refresh_once()
