"""The township's weekly meeting (周碰头会) and its agenda."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import Unit

from .disputes import Dispute, DisputeType


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
