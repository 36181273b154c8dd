"""What the petitioner and the staff add around a matter: evaluations,
declared interests (recusals) and in-app notifications."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import Unit

# The choices live apart (petitions/choices.py) so that the transitions table can
# name the states; they are re-exported here, where other modules import them.
from ..choices import (
    Rating,
    Round,
)
from .matter import Petition


class Evaluation(models.Model):
    """满意度评价: once per answer, for the responsible unit and the office separately."""

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="evaluations")
    round = models.CharField(_("answer"), max_length=10, choices=Round.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit evaluated"), on_delete=models.PROTECT, related_name="+"
    )
    unit_rating = models.CharField(_("responsible unit"), max_length=20, choices=Rating.choices)
    office_rating = models.CharField(_("petition office"), max_length=20, choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "round"], name="evaluation_once_per_answer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.round} {self.unit_rating}/{self.office_rating}"


class Recusal(models.Model):
    """A declared interest (回避): this person is never assigned this matter."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="recusals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("declared interest")
        verbose_name_plural = _("declared interests")
        constraints = [models.UniqueConstraint(fields=["petition", "user"], name="recusal_once")]

    def __str__(self) -> str:
        return f"{self.user_id} ≠ {self.petition_id}"


class Notification(models.Model):
    """In-app notice to a user (the SMS/e-mail copy goes through core.notify)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    petition = models.ForeignKey(
        Petition, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20)
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notif_user_unread")]

    def __str__(self) -> str:
        return self.message
