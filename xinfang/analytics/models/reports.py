"""The monthly report (月度信访形势分析) of a unit: a draft whose commentary a leader
or the petition office edits, then issued, numbered and frozen (the figures stored
as JSON, like leadership's weekly bulletin)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import Unit


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")


class MonthlyReport(models.Model):
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    state = models.CharField(
        _("state"), max_length=8, choices=ReportState.choices, default=ReportState.DRAFT
    )
    number = models.CharField(_("number"), max_length=60, blank=True)
    # The commentary a leader writes before issuing (paragraphs: one per line).
    overview = models.TextField(_("Overall situation"), blank=True)
    problems = models.TextField(_("Main problems"), blank=True)
    measures = models.TextField(_("Next steps"), blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    issued_on = models.DateField(_("date of issue"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The issued report's A4 PDF, drawn by a background task when it is issued
    # (analytics.tasks.render_issued_report) and served from here after.
    pdf = models.FileField(_("PDF"), upload_to="reports/%Y/", blank=True)
    # The generate form's one-time token (user-scoped): a double submit makes one report.
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    idempotency_fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="monthly_report_once"),
            models.UniqueConstraint(
                fields=["number"],
                condition=~models.Q(number=""),
                name="monthly_report_number_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(state="draft") | ~models.Q(number=""),
                name="monthly_report_issued_numbered",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.unit.name} {self.month:%Y-%m}"

    @property
    def issued(self) -> bool:
        return self.state == ReportState.ISSUED

    def commentary(self) -> list[tuple[str, str, list[str]]]:
        """(field, heading, paragraphs) of the three parts of the commentary."""
        return [
            (name, str(self._meta.get_field(name).verbose_name), paragraphs(getattr(self, name)))
            for name in COMMENTARY
        ]


COMMENTARY = ("overview", "problems", "measures")


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
