"""每周通报: issuing a campaign's weekly bulletin freezes its figures.

`campaign_issue_bulletin` is a move of the campaign (workflow.CAMPAIGN, row
`issue_bulletin`): 404 / 409 / 403 as every move, then the week is checked (a
real ISO week that has begun and overlaps the campaign's period, not issued
before: 409), the figures are computed (bulletins.figures) and stored as JSON on
a numbered Bulletin row ("舞信督〔2026〕12号": the campaign's prefix, the year,
the office's gap-free sequence for that year from core.numbering, taken last).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xinfang.core import calendar, numbering
from xinfang.core.exceptions import Conflict, InvalidInput

from .. import bulletins
from ..models import Bulletin
from ..workflow import CAMPAIGN


def bulletin_number(campaign, year: int) -> str:
    """The next number of the office's bulletins in `year`: 舞信督〔2026〕12号."""
    n = numbering.sequence_next(f"bulletin-{campaign.office.code}-{year}")
    return f"{campaign.bulletin_prefix}〔{year}〕{n}号"


@CAMPAIGN.action("issue_bulletin")
def campaign_issue_bulletin(campaign, actor, *, year: int, week: int, note: str = ""):
    """Issue the bulletin of ISO week (`year`, `week`): computed, numbered, frozen."""
    start, end = bulletins.week_bounds(year, week)
    today = calendar.today()
    if start > today:
        raise InvalidInput(field_errors={"week": [_("That week has not begun yet.")]})
    if end < campaign.starts_on or start > campaign.ends_on:
        raise InvalidInput(field_errors={"week": [_("That week is outside the campaign.")]})
    if Bulletin.objects.filter(campaign=campaign, year=year, week=week).exists():
        raise Conflict(_("The bulletin of that week was issued already."))
    figures = bulletins.figures(campaign, year=year, week=week, today=today)
    try:
        with transaction.atomic():
            bulletin = Bulletin.objects.create(
                campaign=campaign,
                number=bulletin_number(campaign, year),
                year=year,
                week=week,
                week_start=start,
                week_end=end,
                office=campaign.office,
                issued_on=today,
                issued_by=actor if getattr(actor, "pk", None) else None,
                figures=figures,
            )
    except IntegrityError:
        raise Conflict(_("The bulletin of that week was issued already.")) from None
    return {
        "note": note,
        "data": {"bulletin": bulletin.pk, "number": bulletin.number, "year": year, "week": week},
    }
