"""Content categories (内容分类): the two-level tree a matter is filed under."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import MediationType

# The choices live apart (petitions/choices.py) so that the transitions table can
# name the states; they are re-exported here, where other modules import them.


class Category(models.Model):
    """Content category (内容分类): a configurable two-level tree."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=60)
    mediation_type = models.CharField(
        _("mediation type"),
        max_length=16,
        choices=MediationType.choices,
        blank=True,
        help_text=_("The professional committee a dispute of this kind goes to."),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name
