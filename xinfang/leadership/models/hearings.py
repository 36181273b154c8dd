"""Public evaluation hearings (群众评议 / 听证) on a matter: date, place, host, the
invited participants with their role and phone, who came, what each said, the
conclusion and the minutes (听证会记录 / 群众评议会记录).

A hearing on a matter under re-review is the re-review organ's hearing (听证): its
time is not counted in the re-review period (信访工作条例 第三十六条第二款, law key
`hearing`), so it pauses the matter's clock while it is scheduled and resumes it
when it is held or cancelled (`pauses_clock`). In any other state it is a public
evaluation (群众评议) that pauses no clock (docs/clocks.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xinfang.core.crypto import BlindIndexField, EncryptedTextField
from xinfang.core.timeline import Event
from xinfang.orgs.models import Unit
from xinfang.petitions.models import Petition

from .ownership import _Table


class HearingState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", pgettext_lazy("hearing", "Held")
    ISSUED = "issued", _("Minutes issued")
    CANCELLED = "cancelled", _("Cancelled")


class HearingKind(models.TextChoices):
    HEARING = "hearing", _("Hearing in re-review (听证)")
    EVALUATION = "evaluation", _("Public evaluation (群众评议)")


class ParticipantRole(models.TextChoices):
    DEPUTY = "deputy", _("People's congress deputy")
    CPPCC = "cppcc", _("CPPCC member")
    LAWYER = "lawyer", _("Lawyer")
    VILLAGER = "villager", _("Villagers' representative")
    EXPERT = "expert", _("Expert")
    RELATIVE = "relative", _("Relative of the petitioner")
    PETITIONER = "petitioner", _("Petitioner")
    OFFICIAL = "official", _("Official of the unit concerned")
    OTHER = "other", _("Other")


class Hearing(models.Model):
    """One hearing on one matter. At most one is scheduled at a time per matter
    (a second pause of the same clock would have nothing to mean)."""

    petition = models.ForeignKey(
        Petition, verbose_name=_("matter"), on_delete=models.PROTECT, related_name="hearings"
    )
    number = models.CharField(_("number"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=HearingKind.choices)
    pauses_clock = models.BooleanField(_("pauses the clock"), default=False)
    state = models.CharField(
        _("state"), max_length=10, choices=HearingState.choices, default=HearingState.SCHEDULED
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    unit = models.ForeignKey(
        Unit, verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=120)
    host = models.CharField(_("host"), max_length=60)
    topic = models.TextField(_("question put to the hearing"), blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    minutes_issued_on = models.DateField(_("minutes issued on"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(
        max_length=80, null=True, blank=True, unique=True, editable=False
    )
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["petition", "state"], name="hearing_petition_state")]
        constraints = [
            models.UniqueConstraint(
                fields=["petition"],
                condition=models.Q(state="scheduled"),
                name="hearing_one_scheduled_per_matter",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["scheduled", "cancelled"])
                | models.Q(held_on__isnull=False),
                name="hearing_held_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def title(self) -> str:
        """The minutes' title: 听证会记录 (re-review) or 群众评议会记录."""
        return "听证会记录" if self.kind == HearingKind.HEARING else "群众评议会记录"


class HearingParticipant(models.Model):
    """An invited participant: name, role, affiliation, phone (encrypted at rest,
    masked on every page and in the API), whether they came and what they said."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("name"), max_length=60)
    role = models.CharField(_("role"), max_length=12, choices=ParticipantRole.choices)
    affiliation = models.CharField(_("unit or title"), max_length=120, blank=True)
    phone = EncryptedTextField(_("phone"), max_length=20, blank=True)
    phone_hash = BlindIndexField(source="phone")
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    view = models.TextField(_("view"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("hearing participant")
        verbose_name_plural = _("hearing participants")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.hearing_id} {self.name}"


class HearingEvent(Event):
    """One step in a hearing's life. Append-only; its action is a row or an event
    of workflow.HEARINGS."""

    hearing = models.ForeignKey(Hearing, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10, blank=True)
    note = models.TextField(_("note"), blank=True)

    subject_field = "hearing"
    table = _Table("xinfang.leadership.workflow.HEARINGS")

    class Meta(Event.Meta):
        verbose_name = _("hearing event")
        verbose_name_plural = _("hearing events")
        indexes = [models.Index(fields=["hearing", "at"], name="hearingevent_hearing_at")]

    @classmethod
    def record(cls, subject, *, action: str, actor=None, actor_unit=None, **fields):
        fields.setdefault("to_state", subject.state)
        fields["data"] = fields.get("data") or {}
        fields["note"] = fields.get("note") or ""
        return super().record(subject, action=action, actor=actor, actor_unit=actor_unit, **fields)
