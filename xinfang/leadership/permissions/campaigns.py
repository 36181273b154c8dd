"""Who may do what with backlog campaigns (信访积案攻坚) and their bulletins.

- Run a campaign (create it, propose and confirm its list, issue bulletins,
  close it): a supervisor or dispatcher (`run_campaign`) whose membership
  reaches the running petition office.
- Name owners from the campaign page: the same, and the actor must also be
  allowed to give a matter an owner by case ownership's own rule (a supervisor
  or a leader over the matter: leadership.permissions.may_assign_owner, which
  plan_create checks for each matter). A dispatcher proposes and confirms; the
  office's supervisor names the owners.
- Read a campaign and its bulletins: those who run it, the leaders whose unit
  reaches the office (`own_case`), and anyone holding a membership at the office
  itself. Anyone else gets 404, never a hint that it exists.
"""

from __future__ import annotations

from django.db.models import QuerySet

from xinfang.orgs import permissions
from xinfang.orgs.models import Membership, Unit, UnitKind, UnitLink

from ..models import Bulletin, Campaign

RUN = "run_campaign"
READ_ACTIONS = (RUN, "own_case")


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def may_run(user, campaign: Campaign) -> bool:
    return _active(user) and permissions.reaches(user, [campaign.office_id], RUN)


def may_name_owners(user, campaign: Campaign) -> bool:
    """May name owners from the campaign page (case ownership's owning roles)."""
    return may_run(user, campaign) and permissions.reaches(user, [campaign.office_id], "supervise")


def _readable_office_ids(user) -> set[int]:
    ids: set[int] = set(permissions.member_unit_ids(user))
    for action in READ_ACTIONS:
        ids.update(permissions.reached_unit_ids(user, action))
    return ids


def may_see_campaign(user, campaign: Campaign) -> bool:
    if not _active(user):
        return False
    if permissions.is_administrator(user):
        return True
    return campaign.office_id in _readable_office_ids(user)


def visible_campaigns(user) -> QuerySet[Campaign]:
    """The campaigns the user may read (every list reads here)."""
    if not _active(user):
        return Campaign.objects.none()
    if permissions.is_administrator(user):
        return Campaign.objects.all()
    return Campaign.objects.filter(office_id__in=sorted(_readable_office_ids(user)))


def visible_bulletins(user) -> QuerySet[Bulletin]:
    return Bulletin.objects.filter(campaign__in=visible_campaigns(user))


def offices_to_run(user) -> QuerySet[Unit]:
    """The petition offices the user may run a campaign for."""
    if not _active(user):
        return Unit.objects.none()
    qs = Unit.objects.filter(kind=UnitKind.PETITION_OFFICE, is_active=True)
    if permissions.is_administrator(user):
        return qs.order_by("code")
    return qs.filter(pk__in=permissions.reached_unit_ids(user, RUN)).order_by("code")


def may_create_for(user, office: Unit) -> bool:
    return _active(user) and offices_to_run(user).filter(pk=office.pk).exists()


def acting_unit_on_campaign(user, campaign: Campaign) -> Unit | None:
    """The unit the user acts for (for the event): a membership reaching the office,
    else the primary one."""
    if not getattr(user, "pk", None):
        return None
    ms = list(Membership.objects.filter(user=user).select_related("unit"))
    reaching = set(
        UnitLink.objects.filter(
            ancestor_id__in=[m.unit_id for m in ms], descendant_id=campaign.office_id
        ).values_list("ancestor_id", flat=True)
    )
    for m in ms:
        if m.unit_id in reaching:
            return m.unit
    primary = [m for m in ms if m.is_primary] or ms
    return primary[0].unit if primary else None
