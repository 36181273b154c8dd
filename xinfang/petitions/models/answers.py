"""Written answers: the draft on its way to sign-off (签发) and the record of
its service (送达)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import Unit

from .. import workflow

# The choices live apart (petitions/choices.py) so that the transitions table can
# name the states; they are re-exported here, where other modules import them.
from ..choices import (
    OPEN_DRAFT_STATES,
    DraftState,
    Outcome,
    ReviewOutcome,
    Round,
    ServiceMethod,
)
from .matter import Petition, PetitionEvent


class OpinionDraft(models.Model):
    """签发: the draft of a written opinion (处理意见书, 复查意见书, 复核意见书) on its
    way to approval by the head of the answering unit. Its steps (workflow.DRAFT_TABLE)
    are recorded on the matter's timeline; "issue" runs the matter's answer with the
    approved content. One open draft per matter and round."""

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="opinion_drafts")
    round = models.CharField(_("answer"), max_length=10, choices=Round.choices)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("answering unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=DraftState.choices, default=DraftState.DRAFT
    )
    # The fields of the written opinion (信访工作条例 Art. 32), as the answer takes them.
    request = models.TextField(_("the petitioner's request"), blank=True)
    facts = models.TextField(_("facts found and reasons"), blank=True)
    # The round's outcomes (choices.outcome_choices): 支持/解释/不予支持 for the first
    # answer, 维持/撤销/变更 for a review or re-review.
    outcome = models.CharField(
        _("outcome"),
        max_length=12,
        choices=Outcome.choices + ReviewOutcome.choices,
        blank=True,
    )
    text = models.TextField(_("opinion"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)

    revision = models.PositiveIntegerField(_("revision"), default=1)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    drafted_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("approver's comment"), blank=True)
    issued_event = models.OneToOneField(
        PetitionEvent,
        verbose_name=_("issued as"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("opinion draft")
        verbose_name_plural = _("opinion drafts")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "round"],
                condition=Q(state__in=sorted(OPEN_DRAFT_STATES)),
                name="opinion_draft_one_open_per_round",
            ),
        ]
        indexes = [models.Index(fields=["unit", "state"], name="opdraft_unit_state")]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.round} {self.state}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_DRAFT_STATES

    @property
    def answer(self) -> str:
        """The matter's transition this draft becomes (reply, review_reply, ...)."""
        return workflow.ROUND_ANSWER[self.round]

    def content(self) -> dict:
        return {
            "request": self.request,
            "facts": self.facts,
            "outcome": self.outcome,
            "text": self.text,
            "legal_basis": self.legal_basis,
        }

    def blocked_reason(self, action: str) -> str | None:
        """The draft's own guard: a draft is for the round the matter is in."""
        from django.utils.translation import gettext

        if action == "withdraw":
            return None
        if self.petition.state != workflow.ROUND_STATE[self.round]:
            return gettext("The matter is no longer waiting for this answer.")
        return None


class NoticeService(models.Model):
    """送达: how and when one written answer reached the petitioner. The review and
    re-review windows run from this day ("自收到书面答复之日起", Art. 35, 36)."""

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="services")
    event = models.OneToOneField(
        PetitionEvent,
        verbose_name=_("written answer"),
        on_delete=models.PROTECT,
        related_name="service",
    )
    method = models.CharField(_("how"), max_length=12, choices=ServiceMethod.choices)
    served_on = models.DateField(_("received on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("service of a written answer")
        verbose_name_plural = _("services of written answers")

    def __str__(self) -> str:
        return f"{self.petition_id} {self.method} {self.served_on}"
