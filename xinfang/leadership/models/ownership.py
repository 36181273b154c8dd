"""领导包案, 一案一策: a leader owns a hard matter with a plan, follows it, and
records how it was resolved (化解) or that it came back."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from xinfang.core.timeline import Event
from xinfang.orgs.models import Unit
from xinfang.petitions.models import Petition


class _Table:
    """The transitions table of an event model, by dotted path (workflow.py is
    built from this module's states, so it is read when first asked for)."""

    def __init__(self, path: str):
        self.path = path

    def __get__(self, obj, cls):
        return import_string(self.path)


class PlanState(models.TextChoices):
    ACTIVE = "active", _("In hand")
    RESOLVED = "resolved", _("Resolved")


class Resolution(models.TextChoices):
    """How the matter was resolved (化解方式)."""

    STOPPED = "stopped", _("Petitioner stopped petitioning (息诉罢访)")
    AGREEMENT = "agreement", _("Agreement reached")
    ASSISTANCE = "assistance", _("Assistance or relief given")
    EXPLANATION = "explanation", _("Explanation accepted")
    LEGAL_ROUTE = "legal_route", _("Taken into the legal route")
    OTHER = "other", _("Other")


class OwnershipPlan(models.Model):
    """One matter's plan under its owning leader (一案一策). One plan per matter: a
    matter that comes back is reopened on the same plan, so its history stays whole."""

    petition = models.OneToOneField(
        Petition, verbose_name=_("matter"), on_delete=models.PROTECT, related_name="ownership_plan"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owning leader"),
        on_delete=models.PROTECT,
        related_name="owned_plans",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.CharField(_("responsible person"), max_length=60)
    measures = models.TextField(_("measures"))
    standard = models.TextField(_("resolution standard"))
    target_date = models.DateField(_("target date"))
    state = models.CharField(
        _("state"), max_length=10, choices=PlanState.choices, default=PlanState.ACTIVE
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    owned_on = models.DateField(_("owned on"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution = models.CharField(
        _("how resolved"), max_length=12, choices=Resolution.choices, blank=True
    )
    resolution_note = models.TextField(_("resolution note"), blank=True)
    reopened_count = models.PositiveIntegerField(_("times reopened"), default=0)
    last_moved_at = models.DateTimeField(_("last moved at"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(
        max_length=80, null=True, blank=True, unique=True, editable=False
    )
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("ownership plan")
        verbose_name_plural = _("ownership plans")
        ordering = ["target_date", "id"]
        indexes = [
            models.Index(fields=["owner", "state"], name="ownplan_owner_state"),
            models.Index(fields=["owned_on"], name="ownplan_owned_on"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="active", resolved_on__isnull=True)
                | models.Q(state="resolved", resolved_on__isnull=False),
                name="ownplan_resolved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.state}"

    def is_overdue(self, today) -> bool:
        return self.state == PlanState.ACTIVE and self.target_date < today


class OwnershipEvent(Event):
    """One step in a plan's life. Append-only; its action is a row or an event of
    workflow.PLANS."""

    plan = models.ForeignKey(OwnershipPlan, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10, blank=True)
    note = models.TextField(_("note"), blank=True)

    subject_field = "plan"
    table = _Table("xinfang.leadership.workflow.PLANS")

    class Meta(Event.Meta):
        verbose_name = _("ownership event")
        verbose_name_plural = _("ownership events")
        indexes = [models.Index(fields=["plan", "at"], name="ownevent_plan_at")]

    @classmethod
    def record(cls, subject, *, action: str, actor=None, actor_unit=None, **fields):
        fields.setdefault("to_state", subject.state)
        fields["data"] = fields.get("data") or {}
        fields["note"] = fields.get("note") or ""
        return super().record(subject, action=action, actor=actor, actor_unit=actor_unit, **fields)
