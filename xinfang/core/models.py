from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SecurityRecord(models.Model):
    """Append-only record of security-relevant acts: lock-outs, reads of personal
    data, logins. Written only through core.services.record_security_event."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOCKED_OUT = "locked_out", _("Account locked")
        LOGOUT = "logout", _("Logout")
        PII_READ = "pii_read", _("Personal data shown")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    username = models.CharField(_("user name given"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    target = models.CharField(_("what was read"), max_length=200, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("security record")
        verbose_name_plural = _("security records")
        ordering = ["-at"]
        indexes = [models.Index(fields=["kind", "at"]), models.Index(fields=["username", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.username}"


class CalendarYear(models.Model):
    """A year of the official holiday schedule (国务院办公厅关于部分节假日安排的通知)
    entered by an administrator, for years the chinese_calendar library does not
    know yet or got wrong. Written only through core.services.calendar_year_publish.

    Only a published year is used by the clocks: a half-typed draft must not move
    live deadlines, and publishing is what triggers the recompute of open ones."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    published = models.BooleanField(_("published"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("holiday schedule year")
        verbose_name_plural = _("holiday schedule years")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100),
                name="core_calendaryear_year_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """One day whose status differs from the plain Saturday/Sunday rule: a public
    holiday on a weekday (放假) or a make-up working day on a weekend (调休上班).
    Days not listed follow the Saturday/Sunday rule."""

    year = models.ForeignKey(
        CalendarYear, verbose_name=_("year"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("holiday schedule day")
        verbose_name_plural = _("holiday schedule days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"
