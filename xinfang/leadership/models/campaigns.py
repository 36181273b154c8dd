"""信访积案攻坚: backlog campaigns and their weekly bulletins (每周通报).

A campaign is run by a petition office over a period: it selects the office's
open matters by its rules (open longer than N days, repeat, group, skipped a
level), the office confirms the list, and each listed matter gets an owning
leader and a plan (case ownership, OwnershipPlan). A bulletin is the frozen
figures of one ISO week of a campaign, numbered when issued.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xinfang.core.timeline import Event
from xinfang.orgs.models import Unit
from xinfang.petitions.models import Petition

from .ownership import OwnershipPlan, _Table


class CampaignState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("List proposed")
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")


class Rule(models.TextChoices):
    """The selection rules of a campaign (a matter is proposed when any ticked rule
    matches)."""

    LONG_OPEN = "long_open", _("Open longer than the days set")
    REPEAT = "repeat", _("Repeat petition")
    GROUP = "group", _("Group petition (5 or more people)")
    CROSS_LEVEL = "cross_level", _("Skipped a level")


class MatterStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    KEPT = "kept", _("Listed")
    DROPPED = "dropped", _("Dropped")


class Campaign(models.Model):
    """One backlog campaign (信访积案攻坚) of a petition office."""

    name = models.CharField(_("name"), max_length=100)
    office = models.ForeignKey(
        Unit, verbose_name=_("running office"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    open_days = models.PositiveIntegerField(_("open longer than (days)"), null=True, blank=True)
    rule_repeat = models.BooleanField(_("repeat petitions"), default=False)
    rule_group = models.BooleanField(_("group petitions (5 or more people)"), default=False)
    rule_cross_level = models.BooleanField(_("petitions that skipped a level"), default=False)
    bulletin_prefix = models.CharField(_("bulletin number prefix"), max_length=12)
    state = models.CharField(
        _("state"), max_length=10, choices=CampaignState.choices, default=CampaignState.DRAFT
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    proposed_on = models.DateField(_("proposed on"), null=True, blank=True)
    confirmed_on = models.DateField(_("list confirmed on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(
        max_length=80, null=True, blank=True, unique=True, editable=False
    )
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("backlog campaign")
        verbose_name_plural = _("backlog campaigns")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="campaign_period_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(open_days__isnull=False)
                | models.Q(rule_repeat=True)
                | models.Q(rule_group=True)
                | models.Q(rule_cross_level=True),
                name="campaign_has_a_rule",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def rules(self) -> list[str]:
        """The ticked rules, in order (Rule values)."""
        ticked = []
        if self.open_days is not None:
            ticked.append(Rule.LONG_OPEN)
        if self.rule_repeat:
            ticked.append(Rule.REPEAT)
        if self.rule_group:
            ticked.append(Rule.GROUP)
        if self.rule_cross_level:
            ticked.append(Rule.CROSS_LEVEL)
        return ticked


class CampaignMatter(models.Model):
    """A matter a campaign proposed; kept (listed) or dropped when the office
    confirms the list; the plan that owns it (case ownership) once it has one."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="matters")
    petition = models.ForeignKey(
        Petition, verbose_name=_("matter"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MatterStatus.choices, default=MatterStatus.PROPOSED
    )
    rules = models.JSONField(_("rules matched"), default=list)
    age_days = models.PositiveIntegerField(_("days open when proposed"), default=0)
    plan = models.ForeignKey(
        OwnershipPlan,
        verbose_name=_("ownership plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaign_matters",
    )
    listed_on = models.DateField(pgettext_lazy("campaign", "listed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign matter")
        verbose_name_plural = _("campaign matters")
        ordering = ["campaign", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "petition"], name="campaign_matter_once"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.petition_id} {self.status}"

    def rule_labels(self) -> list[str]:
        return [str(Rule(r).label) for r in self.rules if r in Rule.values]


class CampaignEvent(Event):
    """One step in a campaign's life. Append-only; its action is a row or an event
    of workflow.CAMPAIGNS."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10, blank=True)
    note = models.TextField(_("note"), blank=True)

    subject_field = "campaign"
    table = _Table("xinfang.leadership.workflow.CAMPAIGNS")

    class Meta(Event.Meta):
        verbose_name = _("campaign event")
        verbose_name_plural = _("campaign events")
        indexes = [models.Index(fields=["campaign", "at"], name="campevent_campaign_at")]

    @classmethod
    def record(cls, subject, *, action: str, actor=None, actor_unit=None, **fields):
        fields.setdefault("to_state", subject.state)
        fields["data"] = fields.get("data") or {}
        fields["note"] = fields.get("note") or ""
        return super().record(subject, action=action, actor=actor, actor_unit=actor_unit, **fields)


class Bulletin(models.Model):
    """每周通报: a campaign's figures for one ISO week (Monday to Sunday, Beijing
    dates), frozen when issued: the figures are stored as they were computed, so an
    issued bulletin never changes."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="bulletins")
    number = models.CharField(_("number"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField(_("ISO year"))
    week = models.PositiveSmallIntegerField(_("ISO week"))
    week_start = models.DateField(_("week from"))
    week_end = models.DateField(_("week to"))
    office = models.ForeignKey(
        Unit, verbose_name=_("issuing office"), on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField(pgettext_lazy("bulletin", "issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    figures = models.JSONField(_("figures"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("weekly bulletin")
        verbose_name_plural = _("weekly bulletins")
        ordering = ["-year", "-week", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "year", "week"], name="bulletin_once_a_week"
            ),
            models.CheckConstraint(
                condition=models.Q(week__gte=1, week__lte=53), name="bulletin_iso_week"
            ),
        ]

    def __str__(self) -> str:
        return self.number
