"""The mediation network (矛盾纠纷多元化解, DOMAIN.md section 6).

"集中受理、分类办理、优先调解、依法化解": a dispute is received once (from a
village's daily screening, a direct application, a court or police referral, or
a petition diverted to mediation), sorted to a mediation body (the centre of the
level where it arose, or a professional committee by type), mediated with both
parties' consent, and ends in an agreement or in the legal routes.

Each dispute's timeline, audit trail and the source of the statistics is one
append-only table, DisputeEvent. The dispute row keeps what the ledger (台账)
and the statistics need: where it arose, where it is, where it was settled.
"""

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


class Meeting(models.Model):
    """A township's weekly meeting on its ledger (周碰头会), with its minutes."""

    township = models.ForeignKey(
        Unit, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("held on"))
    week_start = models.DateField(_("week starting"))
    chair = models.CharField(_("chair"), max_length=60, blank=True)
    attendees = models.TextField(_("attendees"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    closed = models.BooleanField(_("minutes closed"), default=False)
    # Counts the changes: a change sent with an older version is refused (409).
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("weekly meeting")
        verbose_name_plural = _("weekly meetings")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "week_start"], name="meeting_once_per_township_week"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.township_id} {self.held_on}"

    # Its state for the transitions table (workflow.MEETINGS): open until the
    # minutes close, then frozen.
    STATES = {"open": _("Open"), "closed": _("Minutes closed")}

    @property
    def state(self) -> str:
        return "closed" if self.closed else "open"

    @state.setter
    def state(self, value: str) -> None:
        self.closed = value == "closed"


class AgendaReason(models.TextChoices):
    NEW = "new", _("New this week")
    OVERDUE = "overdue", _("Overdue")
    UNRESOLVED = "unresolved", _("Still unresolved")


class MeetingItem(models.Model):
    """One dispute on a meeting's agenda and what the meeting decided for it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="meeting_items")
    reason = models.CharField(
        _("on the agenda because"), max_length=10, choices=AgendaReason.choices
    )
    classified_type = models.CharField(
        _("classified as"), max_length=12, choices=DisputeType.choices, blank=True
    )
    body = models.ForeignKey(
        Unit,
        verbose_name=_("sent to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_person = models.CharField(_("responsible person"), max_length=60, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    decision = models.TextField(_("decision"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "dispute"], name="meetingitem_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.dispute_id}"
