"""The petition office's colour settings (DOMAIN.md section 5)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import Unit

# The choices live apart (petitions/choices.py) so that the transitions table can
# name the states; they are re-exported here, where other modules import them.


class OfficeColourSettings(models.Model):
    """The four colours of one petition office (红黄蓝绿四色挂牌督办, DOMAIN.md
    section 5): which running clocks colour its matters, and when yellow begins.
    The one-day sign clock (签收) is a local rule and does not colour a matter
    unless the office says so. No row: the defaults. Edited by the office's
    supervisor or dispatcher (services.office_colour_settings_update), which
    re-derives the colour of the office's open matters."""

    office = models.OneToOneField(
        Unit,
        verbose_name=_("petition office"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    colour_forward = models.BooleanField(_("forward (15 days)"), default=True)
    colour_sign = models.BooleanField(_("sign for (local rule)"), default=False)
    colour_accept = models.BooleanField(_("decide acceptance (15 days)"), default=True)
    colour_handle = models.BooleanField(_("answer (60 days)"), default=True)
    colour_review = models.BooleanField(_("review (30 days)"), default=True)
    colour_re_review = models.BooleanField(_("re-review (30 days)"), default=True)
    yellow_days = models.PositiveSmallIntegerField(
        _("yellow: days left"),
        default=3,
        help_text=_("A matter turns yellow when this many days are left …"),
    )
    yellow_percent = models.PositiveSmallIntegerField(
        _("yellow: share of the period left (%)"),
        default=20,
        help_text=_("… or this share of its period, whichever comes first."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    # The clocks an office may let colour its matters, with their field.
    CLOCK_FIELDS = {
        "forward": "colour_forward",
        "sign": "colour_sign",
        "accept": "colour_accept",
        "handle": "colour_handle",
        "review": "colour_review",
        "re_review": "colour_re_review",
    }

    class Meta:
        verbose_name = _("colour settings of a petition office")
        verbose_name_plural = _("colour settings of petition offices")
        constraints = [
            models.CheckConstraint(
                name="colour_yellow_percent_at_most_100", condition=Q(yellow_percent__lte=100)
            ),
            models.CheckConstraint(
                name="colour_yellow_days_at_most_60", condition=Q(yellow_days__lte=60)
            ),
        ]

    def __str__(self) -> str:
        return str(self.office)

    def colours(self, clock: str) -> bool:
        """Does the running `clock` colour the matter?"""
        field = self.CLOCK_FIELDS.get(clock)
        return bool(field and getattr(self, field))
