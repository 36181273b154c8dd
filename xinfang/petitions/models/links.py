"""Marks a member of staff puts between two matters found alike (issue 16): the
later one repeats the earlier (重复信访, it feeds the repeat rate through
`Petition.repeat`), or they are related. "The same matter" is not a mark: it is
the merge action (并案, `Petition.merged_into`). A mark is undone, never deleted:
`undone_at` and `undone_by` keep who took it back."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .matter import Petition


class LinkKind(models.TextChoices):
    REPEAT = "repeat", _("Repeat (重复信访)")
    RELATED = "related", _("Related")


class MatterLink(models.Model):
    """`petition` is the later of the two (received later; the one a repeat mark
    flags), `other` the earlier."""

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="links_made")
    other = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="links_received")
    kind = models.CharField(_("relation"), max_length=10, choices=LinkKind.choices)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The later matter's repeat flag before this mark: put back when the last
    # repeat mark on it is undone (registration may have set it already).
    repeat_before = models.BooleanField(default=False)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(
        max_length=200, null=True, blank=True, unique=True, editable=False
    )
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("matter relation")
        verbose_name_plural = _("matter relations")
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "other"],
                condition=Q(undone_at__isnull=True),
                name="matterlink_one_in_force",
            ),
            models.CheckConstraint(
                condition=~Q(petition=models.F("other")), name="matterlink_not_itself"
            ),
        ]
        indexes = [models.Index(fields=["other"], name="matterlink_other")]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.kind} {self.other_id}"

    @property
    def in_force(self) -> bool:
        return self.undone_at is None
