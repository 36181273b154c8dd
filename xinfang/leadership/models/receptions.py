"""Leaders' receptions (领导接访、下访、约访): the day a leader receives, where, and
the batches (批次) of people received, each with the matters they raised.

A reception is on the calendar (`scheduled`, the monthly 领导接访日 schedule that
the public page shows), then held (`held`: it counts) or cancelled. Its three
measures are those of the Wugang report: person-times (人次: one leader receiving
once, one held reception), batches (批次) and people (人, the sum of the batches'
people)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from xinfang.core.crypto import EncryptedTextField
from xinfang.core.timeline import Event
from xinfang.orgs.models import Unit


class ReceptionKind(models.TextChoices):
    RECEPTION = "reception", _("Reception at the centre")  # 接访
    VISIT_DOWN = "visit_down", _("Visit down")  # 下访
    APPOINTMENT = "appointment", _("Appointment")  # 约访


class ReceptionState(models.TextChoices):
    SCHEDULED = "scheduled", _("On the calendar")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Reception(models.Model):
    """One leader receiving on one day at one place (one person-time when held)."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        on_delete=models.PROTECT,
        related_name="receptions",
    )
    # The unit the leader receives for (their leader membership): counts per unit
    # and who sees the reception go by it and by the place.
    leader_unit = models.ForeignKey(
        Unit, verbose_name=_("leader's unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ReceptionKind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=ReceptionState.choices, default=ReceptionState.SCHEDULED
    )
    on = models.DateField(_("date"), db_index=True)
    time_from = models.TimeField(_("from"), null=True, blank=True)
    time_to = models.TimeField(_("until"), null=True, blank=True)
    # Where: the reception centre (接访), the township or village visited (下访), or
    # wherever the appointment is kept (约访).
    unit = models.ForeignKey(
        Unit, verbose_name=_("where"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("address or room"), max_length=120, blank=True)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    # On the public calendar (an appointment with one petitioner is not, by default).
    public = models.BooleanField(_("on the public calendar"), default=True)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    idempotency_fingerprint = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("leader's reception")
        verbose_name_plural = _("leaders' receptions")
        ordering = ["on", "time_from", "id"]
        indexes = [
            models.Index(fields=["leader_unit", "on"], name="reception_leader_unit_on"),
            models.Index(fields=["unit", "on"], name="reception_unit_on"),
            models.Index(fields=["state", "on"], name="reception_state_on"),
        ]
        constraints = [
            models.CheckConstraint(
                name="reception_times_in_order",
                condition=Q(time_from__isnull=True)
                | Q(time_to__isnull=True)
                | Q(time_to__gt=models.F("time_from")),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def scope_unit_ids(self) -> set[int]:
        return {self.leader_unit_id, self.unit_id}

    @property
    def leader_name(self) -> str:
        return self.leader.get_full_name() or self.leader.first_name or self.leader.get_username()


class ReceptionBatch(models.Model):
    """One batch (批次) received: a person or a group coming together about one thing."""

    reception = models.ForeignKey(Reception, on_delete=models.CASCADE, related_name="batches")
    position = models.PositiveSmallIntegerField(_("batch"))
    people_count = models.PositiveIntegerField(_("people"))
    name = models.CharField(_("petitioner or representative"), max_length=60, blank=True)
    phone = EncryptedTextField(_("phone"), max_length=20, blank=True)
    matters = models.TextField(_("matters raised"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    idempotency_fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("reception batch")
        verbose_name_plural = _("reception batches")
        ordering = ["reception", "position"]
        constraints = [
            models.UniqueConstraint(fields=["reception", "position"], name="batch_position_once"),
            models.CheckConstraint(name="batch_has_people", condition=Q(people_count__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.reception_id}/{self.position}"


class MatterLink(models.TextChoices):
    RAISED = "raised", _("Registered at the reception")
    LINKED = "linked", _("Linked")


class ReceptionMatter(models.Model):
    """A petition matter a batch raised (registered there, channel 来访) or spoke of
    (an existing matter, linked)."""

    batch = models.ForeignKey(ReceptionBatch, on_delete=models.CASCADE, related_name="links")
    petition = models.ForeignKey(
        "petitions.Petition", on_delete=models.PROTECT, related_name="reception_links"
    )
    how = models.CharField(_("how"), max_length=8, choices=MatterLink.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("matter of a batch")
        verbose_name_plural = _("matters of batches")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "petition"], name="batch_matter_once"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id} {self.how} {self.petition_id}"


class _Table:
    """The table named by its dotted path, read when first asked for: workflow.py
    is built from this module's states."""

    def __init__(self, path: str):
        self.path = path

    def __get__(self, obj, cls):
        return import_string(self.path)


class ReceptionEvent(Event):
    """The reception's timeline (append-only; ReceptionEvent.record is the one writer)."""

    reception = models.ForeignKey(Reception, on_delete=models.PROTECT, related_name="events")
    note = models.TextField(blank=True)

    subject_field = "reception"
    table = _Table("xinfang.leadership.workflow.RECEPTIONS")

    class Meta(Event.Meta):
        verbose_name = _("reception event")
        verbose_name_plural = _("reception events")
