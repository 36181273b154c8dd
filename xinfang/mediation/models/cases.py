"""Mediation cases: consent, sessions, the agreement and its afterlife."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import Level, Unit

from .disputes import Dispute, DisputeParty
from .roster import Mediator


class CaseState(models.TextChoices):
    AWAITING_CONSENT = "awaiting_consent", _("Awaiting the parties' consent")
    IN_PROGRESS = "in_progress", _("In mediation")
    SUCCESS = "success", _("Agreement reached")
    FAILURE = "failure", _("Mediation ended without agreement")
    ESCALATED = "escalated", _("Passed to the level above")


class FailureReason(models.TextChoices):
    REFUSED = "refused", _("A party refused mediation")
    STOPPED = "stopped", _("A party stopped the mediation")
    NO_AGREEMENT = "no_agreement", _("No agreement could be reached")
    DEADLINE = "deadline", _("The time limit passed")


class MediationCase(models.Model):
    """A mediation case (调解案件) at one body; a dispute escalated upwards gets a new one."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="cases")
    body = models.ForeignKey(
        Unit, verbose_name=_("mediation body"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=CaseState.choices, default=CaseState.AWAITING_CONSENT
    )
    mediators = models.ManyToManyField(
        Mediator, verbose_name=_("mediators"), related_name="cases", blank=True
    )
    opened_on = models.DateField(_("opened on"))
    started_on = models.DateField(_("mediation started on"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    # The deadline lies in a year whose holiday schedule is not known yet (see
    # core.calendar); recomputed by services.recompute_deadlines when it is.
    deadline_provisional = models.BooleanField(_("deadline provisional"), default=False)
    extended = models.BooleanField(_("extended by agreement"), default=False)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    failure_reason = models.CharField(
        _("why it ended"), max_length=16, choices=FailureReason.choices, blank=True
    )
    routes_told = models.BooleanField(
        _("parties told of arbitration, administrative and judicial routes"), default=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("mediation case")
        verbose_name_plural = _("mediation cases")
        ordering = ["-opened_on", "-id"]
        indexes = [models.Index(fields=["body", "state"], name="case_body_state")]
        constraints = [
            models.UniqueConstraint(
                fields=["dispute"],
                condition=Q(state__in=["awaiting_consent", "in_progress"]),
                name="case_one_open_per_dispute",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Consent(models.Model):
    """A party's consent to (or refusal of) mediation, as recorded by the body."""

    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="consents")
    party = models.ForeignKey(DisputeParty, on_delete=models.PROTECT, related_name="+")
    consented = models.BooleanField(_("consents"))
    how = models.CharField(
        _("how"),
        max_length=10,
        choices=[("written", _("In writing")), ("oral", _("Orally, recorded"))],
        default="written",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(fields=["case", "party"], name="consent_once_per_party"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.party_id} {self.consented}"


class MediationSession(models.Model):
    """A session with its record (调解笔录), signed off by those present."""

    case = models.ForeignKey(MediationCase, on_delete=models.PROTECT, related_name="sessions")
    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    present = models.JSONField(_("present"), default=list, help_text=_("Names of those present."))
    record = models.TextField(_("record"))
    signed_by = models.JSONField(
        _("signed by"), default=list, help_text=_("Names of those who signed the record.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["held_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.held_at:%Y-%m-%d}"


class AgreementForm(models.TextChoices):
    WRITTEN = "written", _("Written agreement")
    ORAL = "oral", _("Oral agreement, recorded")


class Agreement(models.Model):
    """调解协议 (law keys agreement_oral, agreement_written): parties, facts, issues,
    responsibilities, terms. An oral one can later be put in writing (form becomes
    written, reached_orally_on keeps the day it was reached)."""

    case = models.OneToOneField(MediationCase, on_delete=models.PROTECT, related_name="agreement")
    form = models.CharField(_("form"), max_length=8, choices=AgreementForm.choices)
    facts = models.TextField(_("facts"))
    issues = models.TextField(_("issues in dispute"))
    responsibilities = models.TextField(_("each side's responsibility"), blank=True)
    signed_on = models.DateField(_("signed on"))
    effective_on = models.DateField(_("takes effect on"))
    # Set when an oral agreement was put in writing (agreement_put_in_writing): the
    # day it was reached orally; signed_on and effective_on are then the written
    # agreement's (law key agreement_written: it takes effect when signed and sealed).
    reached_orally_on = models.DateField(_("reached orally on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mediation agreement")
        verbose_name_plural = _("mediation agreements")

    def __str__(self) -> str:
        return f"{self.case_id} {self.signed_on}"


class AgreementTerm(models.Model):
    """One term of an agreement: who does what, how, by when; and whether it was done."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="terms")
    text = models.TextField(_("term"))
    obliged = models.CharField(_("who performs it"), max_length=100, blank=True)
    how = models.CharField(_("how"), max_length=200, blank=True)
    due_on = models.DateField(_("to be performed by"), null=True, blank=True)
    performed_on = models.DateField(_("performed on"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("agreement term")
        verbose_name_plural = _("agreement terms")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class FollowUp(models.Model):
    """回访: a check on how the agreement's terms are being performed."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="follow_ups")
    on = models.DateField(_("on"))
    result = models.CharField(
        _("result"),
        max_length=10,
        choices=[
            ("performed", _("Performed")),
            ("partly", _("Partly performed")),
            ("not", _("Not performed")),
        ],
    )
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.on} {self.result}"


class JudicialConfirmation(models.Model):
    """司法确认 (law key judicial_confirmation): applied for jointly within 30 days of the
    agreement taking effect; the court's ruling recorded."""

    agreement = models.OneToOneField(
        Agreement, on_delete=models.PROTECT, related_name="judicial_confirmation"
    )
    window_ends_on = models.DateField(_("apply by"))
    window_provisional = models.BooleanField(_("apply-by date provisional"), default=False)
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    court = models.CharField(_("court"), max_length=100, blank=True)
    ruling = models.CharField(
        _("ruling"),
        max_length=10,
        blank=True,
        choices=[("confirmed", _("Confirmed valid")), ("rejected", _("Not confirmed"))],
    )
    ruling_on = models.DateField(_("ruling on"), null=True, blank=True)
    ruling_number = models.CharField(_("ruling number"), max_length=60, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("judicial confirmation")
        verbose_name_plural = _("judicial confirmations")

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.ruling or self.window_ends_on}"
