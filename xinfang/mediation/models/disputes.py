"""Disputes: the ledger's row, its parties, its timeline; the village's screening report."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from xinfang.core.crypto import BlindIndexField, EncryptedTextField
from xinfang.core.timeline import Event
from xinfang.orgs.models import Level, MediationType, Unit


class DisputeType(models.TextChoices):
    """Kinds of dispute. The first eight go to the professional committee of the
    same code (MediationType); the others to the mediation centre of the level."""

    TRAFFIC = "traffic", _("Traffic accident")
    MEDICAL = "medical", _("Medical")
    ENVIRONMENT = "environment", _("Environment")
    LAND = "land", _("Land")
    EDUCATION = "education", _("Education")
    CONSUMER = "consumer", _("Consumer")
    LABOR = "labor", _("Labour and wages")
    PROPERTY = "property", _("Property management")
    FAMILY = "family", _("Marriage and family")
    NEIGHBOUR = "neighbour", _("Neighbours")
    DEBT = "debt", _("Contracts and debts")
    DAMAGE = "damage", _("Damage and injury")
    OTHER = "other", _("Other")

    @classmethod
    def committee_type(cls, value: str) -> str:
        """The professional committee's MediationType for this dispute type, or ""."""
        return value if value in MediationType.values else ""


class Source(models.TextChoices):
    SCREENING = "screening", _("Daily screening")
    APPLICATION = "application", _("Direct application")
    COURT = "court", _("Court referral")
    POLICE = "police", _("Police referral")
    PETITION = "petition", _("Petition diverted to mediation")


class Risk(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class DisputeState(models.TextChoices):
    """Where a dispute stands (the ledger's 'open' is everything but the last three)."""

    REPORTED = "reported", _("Awaiting sorting")  # passed up / received, not yet routed
    ROUTED = "routed", _("Routed to a mediation body")  # awaiting the parties' consent
    MEDIATING = "mediating", _("In mediation")
    SETTLED = "settled", _("Settled")
    FAILED = "failed", _("Mediation ended without agreement")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_DISPUTE_STATES = (DisputeState.REPORTED, DisputeState.ROUTED, DisputeState.MEDIATING)


class ScreeningReport(models.Model):
    """One village's daily screening (日排查) by its liaison; `nil` when nothing was found."""

    village = models.ForeignKey(
        Unit, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    report_date = models.DateField(_("screening date"))
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("liaison"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    nil = models.BooleanField(_("nothing found"), default=False)
    note = models.TextField(_("note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    idempotency_key = models.CharField(
        max_length=80, null=True, blank=True, unique=True, editable=False
    )
    # The request's fingerprint beside its scoped key (core.idempotency).
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("screening report")
        verbose_name_plural = _("screening reports")
        ordering = ["-report_date", "village_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "report_date"], name="screening_once_per_village_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.report_date}"


class Dispute(models.Model):
    """A dispute (矛盾纠纷) in the ledger, from any source."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    type = models.CharField(_("type"), max_length=12, choices=DisputeType.choices)
    risk = models.CharField(_("risk"), max_length=8, choices=Risk.choices, default=Risk.LOW)
    summary = models.CharField(_("summary"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    place = models.ForeignKey(
        Unit,
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The territorial unit (village or township) where the dispute arose."),
    )
    arose_level = models.CharField(_("level where it arose"), max_length=10, choices=Level.choices)
    township = models.ForeignKey(
        Unit,
        verbose_name=_("township"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The township whose ledger holds this dispute."),
    )
    received_on = models.DateField(_("received on"))
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    screening_report = models.ForeignKey(
        ScreeningReport,
        verbose_name=_("screening report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes",
    )
    petition = models.ForeignKey(
        "petitions.Petition",
        verbose_name=_("petition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes",
        help_text=_("The petition this dispute was diverted from (优先调解)."),
    )
    referral_ref = models.CharField(_("referral reference"), max_length=60, blank=True)
    received_by = models.ForeignKey(
        Unit,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The unit that received it: a centre, a petition office, a township."),
    )

    state = models.CharField(
        _("state"), max_length=10, choices=DisputeState.choices, default=DisputeState.REPORTED
    )
    body = models.ForeignKey(
        Unit,
        verbose_name=_("mediation body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The mediation centre or committee now responsible."),
    )
    current_level = models.CharField(
        _("level now handling"), max_length=10, choices=Level.choices, blank=True
    )
    resolved_on_spot = models.BooleanField(_("resolved on the spot"), default=False)
    how_resolved = models.TextField(_("how it was resolved"), blank=True)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    settled_level = models.CharField(
        _("level where settled"), max_length=10, choices=Level.choices, blank=True
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    # Set at the township's weekly meeting (周碰头): who answers for it, by when.
    responsible_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_person = models.CharField(_("responsible person"), max_length=60, blank=True)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person (user)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)

    idempotency_key = models.CharField(
        max_length=80, null=True, blank=True, unique=True, editable=False
    )
    # The request's fingerprint beside its scoped key (core.idempotency).
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["township", "state", "received_on"], name="dispute_twp_state"),
            models.Index(fields=["place", "received_on"], name="dispute_place_received"),
            models.Index(fields=["body", "state"], name="dispute_body_state"),
            models.Index(fields=["received_on"], name="dispute_received"),
        ]
        constraints = [
            models.CheckConstraint(
                name="dispute_settled_has_date",
                condition=~Q(state=DisputeState.SETTLED) | Q(settled_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.summary}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_DISPUTE_STATES

    @property
    def level_now_label(self) -> str:
        """The level now handling it, as pages show it. An open dispute at no
        mediation body is in its township's ledger (passed up from the village's
        report, or kept with the township at its weekly meeting), not at the
        village; `current_level` keeps the level its default centre is chosen at."""
        if self.body_id is None and self.is_open and self.township_id:
            return Level.TOWNSHIP.label
        return self.get_current_level_display()

    def scope_unit_ids(self) -> set[int]:
        """The units whose members (and those above them) may see this dispute:
        where it arose, the unit that received it, the body now handling it and
        every body that had a case on it (so a village room still sees a dispute
        it passed up)."""
        ids = {i for i in (self.place_id, self.body_id, self.received_by_id) if i}
        if self.pk:
            ids.update(self.cases.values_list("body_id", flat=True))
        return ids


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    RESPONDENT = "respondent", _("Respondent")


class DisputeParty(models.Model):
    """A party (当事人) to a dispute: a person or an organisation."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=10, choices=PartyRole.choices)
    name = models.CharField(_("name"), max_length=100)
    is_organisation = models.BooleanField(_("organisation"), default=False)
    # Encrypted at rest, with keyed hashes to find a person again (core.crypto).
    id_number = EncryptedTextField(_("ID number"), max_length=18, blank=True)
    id_number_hash = BlindIndexField(source="id_number")
    phone = EncryptedTextField(_("phone"), max_length=20, blank=True)
    phone_hash = BlindIndexField(source="phone")
    address = EncryptedTextField(_("address"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class _Table:
    """The transitions table of an event model, named by its dotted path: the
    tables (workflow.py) are built from this module's states, so they are read
    when first asked for, not when the models load."""

    def __init__(self, path: str):
        self.path = path

    def __get__(self, obj, cls):
        return import_string(self.path)


class DisputeEvent(Event):
    """One step in a dispute's life (and its cases'). Append-only: never updated,
    never deleted. Its action is a row or an event of workflow.TIMELINE."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10, blank=True)
    note = models.TextField(_("note"), blank=True)

    subject_field = "dispute"
    table = _Table("xinfang.mediation.workflow.TIMELINE")

    class Meta(Event.Meta):
        verbose_name = _("dispute event")
        verbose_name_plural = _("dispute events")
        indexes = [models.Index(fields=["dispute", "at"], name="dispevent_dispute_at")]

    @classmethod
    def record(cls, subject, *, action: str, actor=None, actor_unit=None, **fields):
        """The one writer of a dispute's timeline; `to_state` is the dispute's state now."""
        fields.setdefault("to_state", subject.state)
        fields["data"] = fields.get("data") or {}
        fields["note"] = fields.get("note") or ""
        return super().record(subject, action=action, actor=actor, actor_unit=actor_unit, **fields)
