"""Every read of backlog campaigns (信访积案攻坚) a user can see, through the
campaign policy (permissions.campaigns.visible_campaigns): the campaign, its matters,
its bulletins, and the matters its rules select.

Selection: the open matters of the running office's scope that the proposing user
may see (petitions.permissions.visible) and that match ANY of the ticked rules.
The scope is the office and the petition offices of the territories below the
one it serves (a matter belongs to the office named on it, Petition.office).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator

from django.db.models import Q, QuerySet

from xinfang.core import calendar
from xinfang.core.exceptions import NotFound
from xinfang.orgs.models import UnitKind, UnitLink
from xinfang.petitions import permissions as petition_policy
from xinfang.petitions.models import OPEN_STATES, Petition

from ..models import Bulletin, Campaign, CampaignEvent, CampaignMatter, MatterStatus, Rule
from ..permissions import campaigns as policy

GROUP_FROM = 5  # 集体访: five or more people (as registration flags it)


def campaign_get(*, user, pk) -> Campaign:
    """One campaign the user may read, else NotFound (never a hint that it exists)."""
    try:
        campaign = Campaign.objects.select_related("office").get(pk=pk)
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not policy.may_see_campaign(user, campaign):
        raise NotFound()
    return campaign


def campaigns_visible(user) -> QuerySet[Campaign]:
    return policy.visible_campaigns(user).select_related("office")


def matters_of(campaign: Campaign, *, status: str | None = None) -> list[CampaignMatter]:
    """The campaign's matters (all, or of one status), with their plans, oldest first."""
    qs = campaign.matters.select_related(
        "petition__responsible_unit", "petition__office", "plan__owner", "plan__unit"
    )
    if status:
        qs = qs.filter(status=status)
    return list(qs.order_by("petition__received_on", "petition_id"))


def timeline(campaign: Campaign) -> list[CampaignEvent]:
    return list(campaign.events.select_related("actor", "actor_unit").order_by("at", "id"))


def bulletin_get(*, user, pk) -> Bulletin:
    try:
        bulletin = Bulletin.objects.select_related("campaign__office", "office").get(pk=pk)
    except (Bulletin.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not policy.may_see_campaign(user, bulletin.campaign):
        raise NotFound()
    return bulletin


def bulletins_of(campaign: Campaign) -> list[Bulletin]:
    return list(campaign.bulletins.select_related("office").order_by("-year", "-week", "-id"))


# --- selection ---------------------------------------------------------------------------


def scope_office_ids(campaign: Campaign) -> list[int]:
    """The running office and the petition offices of the territories below the one
    it serves (its parent), by literal ids."""
    territory = campaign.office.parent_id or campaign.office_id
    ids = set(
        UnitLink.objects.filter(
            ancestor_id=territory, descendant__kind=UnitKind.PETITION_OFFICE
        ).values_list("descendant_id", flat=True)
    )
    ids.add(campaign.office_id)
    return sorted(ids)


def _rule_qs(campaign: Campaign, today: dt.date) -> dict[str, Q]:
    rules: dict[str, Q] = {}
    if campaign.open_days is not None:
        # Open longer than N days, counted from the day it was received.
        rules[Rule.LONG_OPEN] = Q(received_on__lt=today - dt.timedelta(days=campaign.open_days))
    if campaign.rule_repeat:
        rules[Rule.REPEAT] = Q(repeat=True)
    if campaign.rule_group:
        rules[Rule.GROUP] = Q(people_count__gte=GROUP_FROM) | Q(collective=True)
    if campaign.rule_cross_level:
        rules[Rule.CROSS_LEVEL] = Q(cross_level=True)
    return rules


def rules_matched(campaign: Campaign, p: Petition, today: dt.date) -> list[str]:
    """Which of the campaign's ticked rules this matter matches (Rule values)."""
    matched = []
    if campaign.open_days is not None and (today - p.received_on).days > campaign.open_days:
        matched.append(Rule.LONG_OPEN.value)
    if campaign.rule_repeat and p.repeat:
        matched.append(Rule.REPEAT.value)
    if campaign.rule_group and (p.people_count >= GROUP_FROM or p.collective):
        matched.append(Rule.GROUP.value)
    if campaign.rule_cross_level and p.cross_level:
        matched.append(Rule.CROSS_LEVEL.value)
    return matched


def matching_matters(
    *, actor, campaign: Campaign, today: dt.date | None = None
) -> list[tuple[Petition, list[str]]]:
    """The open matters of the campaign's scope the actor may see that match any
    ticked rule, oldest first, each with the rules it matches."""
    today = today or calendar.today()
    rules = _rule_qs(campaign, today)
    if not rules:
        return []
    qs = (
        petition_policy.visible(actor)
        .filter(state__in=sorted(OPEN_STATES), office_id__in=scope_office_ids(campaign))
        .filter(functools.reduce(operator.or_, rules.values()))
        .order_by("received_on", "pk")
    )
    return [(p, rules_matched(campaign, p, today)) for p in qs]


def listed_count(campaign: Campaign) -> int:
    return campaign.matters.filter(status=MatterStatus.KEPT).count()
