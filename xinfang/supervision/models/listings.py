"""挂牌督办: a listed matter (a petition, or a dispute past its deadline on a
township's ledger), its chasing letters (催办函 / 督办函) with what came back, the
escalation steps the tick took, and its append-only timeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from xinfang.core.timeline import Event
from xinfang.orgs.models import Unit


class ListingColour(models.TextChoices):
    """The colours a supervisor may list a matter in (green is concluded, never listed)."""

    RED = "red", _("Red")
    YELLOW = "yellow", _("Yellow")
    BLUE = "blue", _("Blue")


class ListingState(models.TextChoices):
    LISTED = "listed", _("Listed")
    DELISTED = "delisted", _("Delisted")


class ChaseKind(models.TextChoices):
    CHASE = "chase", _("Chasing letter")
    PRESS = "press", _("Supervision letter")


class EscalationStep(models.TextChoices):
    YELLOW = "yellow", _("Yellow: the unit's head told")
    RED = "red", _("Red: the owning leader and the petition office told")


class Listing(models.Model):
    """One 挂牌督办 record: who listed which matter, when, why, in which colour,
    the report demanded and by when; delisted (摘牌) when resolved."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    petition = models.ForeignKey(
        "petitions.Petition",
        verbose_name=_("petition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dispute = models.ForeignKey(
        "mediation.Dispute",
        verbose_name=_("dispute"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    colour = models.CharField(_("listed colour"), max_length=6, choices=ListingColour.choices)
    reason = models.TextField(_("why it is listed"))
    demand = models.TextField(_("what the unit must do"), blank=True)
    report_by = models.DateField(_("report by"))
    # The unit that must act and report (the matter's acting unit, or the dispute's
    # body or township) and the supervising unit, both as they were at listing.
    unit = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey(
        Unit, verbose_name=_("supervising unit"), on_delete=models.PROTECT, related_name="+"
    )
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("listed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    listed_at = models.DateTimeField(_("listed at"), auto_now_add=True)
    listed_on = models.DateField(_("listed on"))
    state = models.CharField(
        _("state"), max_length=10, choices=ListingState.choices, default=ListingState.LISTED
    )
    delisted_on = models.DateField(_("delisted on"), null=True, blank=True)
    delisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delisted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    delist_note = models.TextField(_("why it was delisted"), blank=True)
    # What came back last (the unit's report), whatever it answered.
    report = models.TextField(_("the unit's last report"), blank=True)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    idempotency_key = models.CharField(
        max_length=80, null=True, blank=True, unique=True, editable=False
    )
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        ordering = ["-listed_at", "-id"]
        indexes = [models.Index(fields=["state", "unit"], name="listing_state_unit")]
        constraints = [
            models.CheckConstraint(
                name="listing_one_target",
                condition=(Q(petition__isnull=False) & Q(dispute__isnull=True))
                | (Q(petition__isnull=True) & Q(dispute__isnull=False)),
            ),
            # A matter is listed once at a time (a second listing is a 409).
            models.UniqueConstraint(
                fields=["petition"],
                condition=Q(state="listed", petition__isnull=False),
                name="listing_one_open_per_petition",
            ),
            models.UniqueConstraint(
                fields=["dispute"],
                condition=Q(state="listed", dispute__isnull=False),
                name="listing_one_open_per_dispute",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def target(self):
        return self.petition if self.petition_id else self.dispute

    @property
    def kind(self) -> str:
        return "petition" if self.petition_id else "dispute"


class Chase(models.Model):
    """A chase (催办) or a press (督办), its letter's number, and what came back
    (the unit's report)."""

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="chases")
    number = models.CharField(_("letter number"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=6, choices=ChaseKind.choices)
    demand = models.TextField(_("what is demanded"))
    report_by = models.DateField(_("report by"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    issued_unit = models.ForeignKey(
        Unit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField(_("issued on"))
    report = models.TextField(_("the unit's report"), blank=True)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("chase")
        verbose_name_plural = _("chases")
        ordering = ["issued_on", "id"]

    def __str__(self) -> str:
        return self.number


class Escalation(models.Model):
    """One step of the escalation ladder taken for a listing (the tick's). Unique per
    listing and step: two ticks racing insert one row, and only the one that
    inserted notifies; the weekly bulletin reads the red steps by unit."""

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="escalations")
    step = models.CharField(_("step"), max_length=6, choices=EscalationStep.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    on = models.DateField(_("on"))
    unit = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="+"
    )
    notified = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.UniqueConstraint(fields=["listing", "step"], name="escalation_once_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.listing_id} {self.step}"


class _Table:
    """The table of the event model, read when first asked for (workflow.py is
    built from this module's states)."""

    def __init__(self, path: str):
        self.path = path

    def __get__(self, obj, cls):
        return import_string(self.path)


class ListingEvent(Event):
    """One step in a listing's life. Append-only; its action is a row or an event
    of workflow.LISTING."""

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="events")
    note = models.TextField(_("note"), blank=True)

    subject_field = "listing"
    table = _Table("xinfang.supervision.workflow.LISTING")

    class Meta(Event.Meta):
        verbose_name = _("listing event")
        verbose_name_plural = _("listing events")
        indexes = [models.Index(fields=["listing", "at"], name="listingevent_listing_at")]
