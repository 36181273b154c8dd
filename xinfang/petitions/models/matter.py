"""The matter (信访事项), its petitioners, attachments and timeline (DOMAIN.md
sections 3 to 5).

A matter's timeline, audit trail and notification outbox is one append-only
table, PetitionEvent. The matter row keeps what lists need: its state, the
running clock with its due date (indexed) and the first day it turns yellow, so
lists filter and sort by colour in SQL.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinfang.core.calendar import Colour
from xinfang.core.calendar import today as calendar_today
from xinfang.core.crypto import BlindIndexField, EncryptedTextField
from xinfang.core.timeline import Event
from xinfang.orgs.models import Unit

from .. import workflow

# The choices live apart (petitions/choices.py) so that the transitions table can
# name the states; they are re-exported here, where other modules import them.
from ..choices import (
    OPEN_STATES,
    Channel,
    ForwardKind,
    Outcome,
    Purpose,
    ReviewOutcome,
    Route,
    State,
)
from .categories import Category


class Petition(models.Model):
    number = models.CharField(_("number"), max_length=40, unique=True)
    query_code = models.CharField(_("query code"), max_length=13, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.ForeignKey(
        Unit, verbose_name=_("place of the problem"), on_delete=models.PROTECT, related_name="+"
    )
    summary = models.CharField(_("summary"), max_length=200)
    content = models.TextField(_("full text"))
    request = models.TextField(_("what is asked for"), blank=True)
    people_count = models.PositiveIntegerField(_("number of people"), default=1)
    collective = models.BooleanField(_("collective"), default=False)
    cross_level = models.BooleanField(_("cross-level"), default=False)
    repeat = models.BooleanField(_("repeat"), default=False)
    accusation = models.BooleanField(_("accusation"), default=False)
    accused_unit = models.ForeignKey(
        Unit,
        verbose_name=_("accused unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accused_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accused person (staff)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accused_name = models.CharField(_("accused person"), max_length=60, blank=True)
    office_accused = models.BooleanField(
        _("the petition office is accused"),
        default=False,
        editable=False,
        help_text=_(
            "An accusation against the receiving petition office itself, with no office "
            "above it in this system: the leadership of the office's territory holds it "
            "instead of the office."
        ),
    )
    identity_shared_with = models.ForeignKey(
        Unit,
        verbose_name=_("accuser's identity shared with"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "An accusation: the unit to which the petition office released the accuser's "
            "identity and contact data (信访工作条例 Art. 30). Empty: only the office."
        ),
    )

    received_on = models.DateField(_("received on"))
    electronic_service = models.BooleanField(
        _("accepts electronic service"),
        default=False,
        help_text=_(
            "Chosen by the petitioner at intake: a written answer opened on the portal "
            "with the query code counts as received on that day."
        ),
    )
    served_on = models.DateField(
        _("current answer served on"),
        null=True,
        blank=True,
        help_text=_(
            "The day the current written answer reached the petitioner; the 30 days to "
            "ask for review or re-review run from it (信访工作条例 Art. 35, 36)."
        ),
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    registering_unit = models.ForeignKey(
        Unit, verbose_name=_("registering unit"), on_delete=models.PROTECT, related_name="+"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    office = models.ForeignKey(
        Unit,
        verbose_name=_("petition office"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The petition office that dispatches and supervises this matter."),
    )

    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.REGISTERED
    )
    responsible_unit = models.ForeignKey(
        Unit,
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_unit = models.ForeignKey(
        Unit,
        verbose_name=_("review unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    re_review_unit = models.ForeignKey(
        Unit,
        verbose_name=_("re-review unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Above the top of the tree the review organ is outside this system (信访工作条例
    # Art. 35, 36): its name is recorded and the matter leaves the system (chain.py).
    review_outside = models.CharField(
        _("review organ outside this system"), max_length=100, blank=True
    )
    re_review_outside = models.CharField(
        _("re-review organ outside this system"), max_length=100, blank=True
    )
    # 退回: the unit's objection waits for the forwarding office (Art. 23(3)).
    return_requested_on = models.DateField(
        _("return asked for on"),
        null=True,
        blank=True,
        help_text=_(
            "The responsible unit objected that the matter is not theirs; it goes back "
            "only when the petition office agrees."
        ),
    )
    return_reason = models.TextField(_("reasons for the return"), blank=True)
    owner_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owning leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    # The running clock (one module computes it: xinfang.core.calendar).
    clock = models.CharField(_("running clock"), max_length=20, blank=True)
    clock_started_on = models.DateField(_("clock started on"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    yellow_from = models.DateField(_("yellow from"), null=True, blank=True)
    due_provisional = models.BooleanField(_("due date provisional"), default=False)
    window_ends_on = models.DateField(
        _("petitioner may ask until"),
        null=True,
        blank=True,
        help_text=_("The last day to ask for review or re-review."),
    )
    paused_days = models.PositiveIntegerField(_("days paused"), default=0)
    hearing_started_on = models.DateField(_("hearing started on"), null=True, blank=True)
    extension_days = models.PositiveIntegerField(_("extension (days)"), default=0)
    forwarded_on = models.DateField(_("forwarded on"), null=True, blank=True)
    # 转送 or 交办 (Art. 22): an assignment carries a handling requirement and a
    # date by which the responsible unit reports back.
    forward_kind = models.CharField(
        _("forwarded as"), max_length=10, choices=ForwardKind.choices, blank=True
    )
    handling_requirement = models.TextField(_("handling requirement"), blank=True)
    report_back_due = models.DateField(_("report back by"), null=True, blank=True)
    reported_back_on = models.DateField(_("reported back on"), null=True, blank=True)
    # 协办: units that assist the responsible (lead) unit; they see the matter and
    # add their contribution to its timeline, they do not answer.
    assisting_units = models.ManyToManyField(
        Unit, verbose_name=_("assisting units"), blank=True, related_name="+"
    )
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    # 上级交办: the number the system above gave the matter it assigned to us
    # (exchange.upstream); empty for a matter first received here.
    upstream_number = models.CharField(
        _("number at the upper system"), max_length=60, blank=True, db_index=True
    )

    listing = models.CharField(
        _("listed colour"),
        max_length=6,
        blank=True,
        choices=[(c, label) for c, label in Colour.choices if c != Colour.GREEN],
    )
    red_notified_on = models.DateField(null=True, blank=True, editable=False)
    # Does the running clock colour the matter (the office's colour settings,
    # OfficeColourSettings)? Stored when the clock starts, so lists colour in SQL.
    clock_colours = models.BooleanField(_("the clock colours the matter"), default=True)

    opinion_outcome = models.CharField(
        _("opinion"), max_length=8, choices=Outcome.choices, blank=True
    )
    opinion_issued_on = models.DateField(_("opinion issued on"), null=True, blank=True)
    review_outcome = models.CharField(
        _("review opinion"), max_length=8, choices=ReviewOutcome.choices, blank=True
    )
    review_issued_on = models.DateField(_("review issued on"), null=True, blank=True)
    re_review_outcome = models.CharField(
        _("re-review opinion"), max_length=8, choices=ReviewOutcome.choices, blank=True
    )
    re_review_issued_on = models.DateField(_("re-review issued on"), null=True, blank=True)
    route = models.CharField(_("route given"), max_length=20, choices=Route.choices, blank=True)
    concluded_reason = models.CharField(_("reason concluded"), max_length=40, blank=True)

    same_as = models.ForeignKey(
        "self",
        verbose_name=_("same matter as"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_matters",
    )
    # Scoped to the client ("public:<key>", "user:<pk>:<key>"), with the request's
    # fingerprint; in force for IDEMPOTENCY_KEY_HOURS (core.idempotency).
    idempotency_key = models.CharField(
        max_length=80, null=True, blank=True, unique=True, editable=False
    )
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("petition matter")
        verbose_name_plural = _("petition matters")
        ordering = ["-registered_at"]
        indexes = [
            models.Index(
                fields=["responsible_unit", "state", "due_date"], name="pet_resp_state_due"
            ),
            models.Index(fields=["office", "state", "due_date"], name="pet_office_state_due"),
            models.Index(
                fields=["registering_unit", "state", "due_date"], name="pet_reg_state_due"
            ),
            models.Index(fields=["place", "state"], name="pet_place_state"),
            models.Index(fields=["review_unit", "state"], name="pet_review_state"),
            models.Index(fields=["re_review_unit", "state"], name="pet_rereview_state"),
            models.Index(fields=["state", "due_date"], name="pet_state_due"),
            # 交办 whose report back is still owed (the dispatcher's worklist and
            # supervision: report_back_overdue_q); without it the worklist read
            # every open matter of the city to find them (36 → 5 ms at 1M).
            # Accusations by the day received (the dashboards' reading of them,
            # analytics.summaries: at 1M the year's 17k were found by reading
            # every matter, 363 → 124 ms).
            models.Index(
                fields=["received_on"],
                name="pet_accusation_received",
                condition=Q(accusation=True, merged_into__isnull=True),
            ),
            models.Index(
                fields=["report_back_due"],
                name="pet_report_back_open",
                condition=Q(forward_kind="assign", reported_back_on__isnull=True),
            ),
            models.Index(fields=["registered_at"], name="pet_registered_at"),
        ]
        constraints = [
            models.CheckConstraint(
                name="pet_people_at_least_one", condition=Q(people_count__gte=1)
            ),
            models.CheckConstraint(
                name="pet_extension_at_most_30", condition=Q(extension_days__lte=30)
            ),
            models.CheckConstraint(
                name="pet_not_merged_into_itself", condition=~Q(merged_into=models.F("pk"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.summary}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_accusation(self) -> bool:
        """An accusation (检举控告), flagged or by its purpose: handled confidentially."""
        return bool(self.accusation) or self.purpose == Purpose.ACCUSATION

    def blocked_reason(self, action: str) -> str | None:
        """The row's own guard for `action` beyond its state: why it cannot be taken
        now (a translated sentence), or None. Services refuse with it (409); pages
        hide the button."""
        from django.utils.translation import gettext

        if action == "divert_to_mediation" and self.is_accusation:
            return str(workflow.ACCUSATION_NOT_DIVERTED)
        if action == "hearing_start" and self.hearing_started_on is not None:
            return gettext("A hearing is already under way.")
        if action == "hearing_end" and self.hearing_started_on is None:
            return gettext("No hearing is under way.")
        if action == "return" and self.return_requested_on:
            return gettext("The return is already with the petition office.")
        if action in ("return_agree", "return_refuse") and not self.return_requested_on:
            return gettext("The unit has not asked to return this matter.")
        if action == "extend" and self.purpose != Purpose.APPEAL:
            return gettext("Only an appeal or request runs the 60-day period to extend.")
        if action == "extend" and self.extension_days:
            return gettext("This matter was already extended once.")
        if action == "merge" and self.merged_into_id:
            return gettext("That matter is closed.")
        if action in ("no_longer_accepted", "not_the_same") and not self.same_as_id:
            return gettext("No earlier matter is suggested as the same.")
        if action == "record_service" and self.served_on:
            return gettext("The written answer was served on %(date)s.") % {
                "date": self.served_on.isoformat()
            }
        if action == "report_back":
            if self.forward_kind != ForwardKind.ASSIGN:
                return gettext("Only a matter assigned with a report-back date reports back.")
            if self.reported_back_on:
                return gettext("The unit reported back on %(date)s.") % {
                    "date": self.reported_back_on.isoformat()
                }
        if action == "share_identity":
            if not self.accusation:
                return gettext("Only an accusation keeps the petitioner's identity back.")
            if self.responsible_unit_id is None and self.identity_shared_with_id is None:
                return gettext("The matter has not been sent to a unit yet.")
        return None

    def scope_unit_ids(self) -> set[int]:
        """The units through which a membership may reach this matter.

        An accusation is reached only through the units that handle it (the
        petition office, and the units the office sends it to): never through the
        place of the problem or the registering unit, which are often the accused
        (信访工作条例 Art. 30). selectors.visible_petitions holds the whole rule."""
        if self.accusation:
            ids = {
                self.office_id,
                self.responsible_unit_id,
                self.review_unit_id,
                self.re_review_unit_id,
            }
        else:
            ids = {
                self.place_id,
                self.registering_unit_id,
                self.office_id,
                self.responsible_unit_id,
                self.review_unit_id,
                self.re_review_unit_id,
            }
        ids |= set(self.assisting_unit_ids())
        ids.discard(None)
        return ids

    def assisting_unit_ids(self) -> list[int]:
        """The 协办 units (they see the matter and add contributions)."""
        if self.pk is None:
            return []
        return list(self.assisting_units.values_list("pk", flat=True))

    @property
    def report_back_overdue(self) -> bool:
        """交办: the report-back date passed and the unit has not reported back."""
        return bool(
            self.forward_kind == ForwardKind.ASSIGN
            and self.report_back_due
            and not self.reported_back_on
            and self.is_open
            and self.report_back_due < calendar_today()
        )


class Petitioner(models.Model):
    """A petitioner (信访人); several for a joint letter or a group's representatives."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="petitioners")
    name = models.CharField(_("name"), max_length=60)
    # Encrypted at rest; repeat detection compares the keyed hashes (core.crypto).
    id_number = EncryptedTextField(_("ID number"), max_length=18, blank=True)
    id_number_hash = BlindIndexField(source="id_number")
    phone = EncryptedTextField(_("phone"), max_length=20, blank=True)
    phone_hash = BlindIndexField(source="phone")
    address = EncryptedTextField(_("address"), max_length=200, blank=True)
    is_representative = models.BooleanField(_("representative"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("petitioner")
        verbose_name_plural = _("petitioners")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Attachment(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="petitions/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=80)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class PetitionEvent(Event):
    """One step in a matter's life. Append-only: never updated, never deleted.
    Written only through `PetitionEvent.record(petition, action=..., ...)`; its
    `label` comes from the transitions table (workflow.TABLE)."""

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    public = models.BooleanField(_("public"), default=False)
    note = models.TextField(_("internal note"), blank=True)
    public_text = models.TextField(_("text for the petitioner"), blank=True)

    subject_field = "petition"
    table = workflow.TABLE

    class Meta(Event.Meta):
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["petition", "at"], name="petevent_petition_at")]

    @classmethod
    def record(
        cls,
        petition,
        *,
        action: str,
        actor=None,
        actor_unit=None,
        from_state: str = "",
        public: bool = False,
        note: str = "",
        public_text: str = "",
        data: dict | None = None,
    ) -> "PetitionEvent":
        """Append one event to the matter's timeline; `to_state` is the matter's
        state now (after the change the event records)."""
        return super().record(
            petition,
            action=action,
            actor=actor,
            actor_unit=actor_unit,
            from_state=from_state,
            to_state=petition.state,
            public=public,
            note=note,
            public_text=public_text,
            data=data or {},
        )
