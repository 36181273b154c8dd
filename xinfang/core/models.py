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
