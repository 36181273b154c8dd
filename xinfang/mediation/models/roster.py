"""The mediation bodies' rosters (调解员名册) and their trail."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinfang.core.crypto import EncryptedTextField
from xinfang.core.timeline import Event
from xinfang.orgs.models import Unit

from .disputes import _Table


class Mediator(models.Model):
    """A mediator (调解员) on a mediation body's roster, full- or part-time."""

    body = models.ForeignKey(
        Unit, verbose_name=_("mediation body"), on_delete=models.PROTECT, related_name="mediators"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mediator_roles",
    )
    name = models.CharField(_("name"), max_length=60)
    full_time = models.BooleanField(_("full-time"), default=False)
    phone = EncryptedTextField(_("phone"), max_length=20, blank=True)  # core.crypto
    speciality = models.CharField(_("speciality"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Counts the corrections: one sent with an older version is refused (409).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("mediator")
        verbose_name_plural = _("mediators")
        ordering = ["body_id", "-full_time", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "user"],
                condition=Q(user__isnull=False),
                name="mediator_user_once_per_body",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MediatorAction(models.TextChoices):
    ADDED = "added", _("Added to the roster")
    UPDATED = "updated", _("Corrected")
    DEACTIVATED = "deactivated", _("Deactivated")
    REACTIVATED = "reactivated", _("Reactivated")


# The roster fields a correction records, in display order. (De)activation records
# {"is_active": [old, new]}; its action says it all, so it is not listed again.
MEDIATOR_TRACKED_FIELDS = ("name", "full_time", "phone", "speciality", "user")


class MediatorEvent(Event):
    """One change to a roster entry: who added, corrected, deactivated or
    reactivated the mediator, when, and what changed. Append-only: never updated,
    never deleted.

    `data` is {field: [old, new]} ([null, new] when added). The phone is stored
    masked (core.pii.mask_phone): the trail is shown to everyone who sees the
    roster, and the number itself lives on the mediator row only. `user` is the
    linked account's username."""

    mediator = models.ForeignKey(Mediator, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=MediatorAction.choices)

    subject_field = "mediator"
    table = _Table("xinfang.mediation.workflow.ROSTER")

    class Meta(Event.Meta):
        verbose_name = _("roster change")
        verbose_name_plural = _("roster changes")
        indexes = [models.Index(fields=["mediator", "at"], name="medevent_mediator_at")]

    def changes(self) -> list[dict]:
        """What changed, for display: [{field, label, old, new}] with translated
        field names and values ("—" for nothing)."""
        data = self.data if isinstance(self.data, dict) else {}
        rows = []
        for field in MEDIATOR_TRACKED_FIELDS:
            if field not in data:
                continue
            old, new = (list(data[field]) + [None, None])[:2]
            if self.action == MediatorAction.ADDED and new in (None, ""):
                continue  # nothing to say about a field left empty
            rows.append(
                {
                    "field": field,
                    "label": Mediator._meta.get_field(field).verbose_name,
                    "old": _display(field, old),
                    "new": _display(field, new),
                }
            )
        return rows


def _display(field: str, value):
    if value is None or value == "":
        return "—"
    if field == "full_time":
        return _("Full-time") if value else _("Part-time")
    return value
