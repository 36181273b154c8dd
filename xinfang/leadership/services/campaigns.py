"""信访积案攻坚: every write on a backlog campaign.

`campaign_create` sets a campaign up (draft) for a petition office. Its moves go
through the frame (workflow.CAMPAIGN): lock → state and version (409) →
permission (403) → the body's checks (400) → new state, version and event, in
one transaction. `campaign_assign` gives a listed matter its owner and plan by
case ownership's own `plan_create` (the matter's `own` step, the plan and its
first event) and links the plan to the campaign's matter.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core import calendar, idempotency
from xinfang.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.orgs import permissions as org_permissions
from xinfang.orgs.models import Unit, UnitKind
from xinfang.petitions.models import Petition

from ..models import (
    Campaign,
    CampaignEvent,
    CampaignMatter,
    CampaignState,
    MatterStatus,
    OwnershipPlan,
)
from ..permissions import campaigns as policy
from ..selectors import campaigns as selectors
from ..workflow import CAMPAIGN
from .ownership import plan_create


def default_prefix(office: Unit) -> str:
    """The bulletin number's prefix (文号代字): the first character of the territory
    the office serves, 信 and 督 (舞钢市 → 舞信督)."""
    territory = office.parent or office
    return f"{territory.name[:1]}信督"


# A rule "open longer than N days" beyond ten years selects nothing a campaign can
# work on; the cap also keeps the number inside what the database stores.
MAX_OPEN_DAYS = 3650


def _check_fields(*, name, starts_on, ends_on, open_days, rules_ticked, prefix) -> dict:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Name the campaign.")]
    if not isinstance(starts_on, dt.date):
        errors["starts_on"] = [_("Give the first day of the campaign.")]
    if not isinstance(ends_on, dt.date):
        errors["ends_on"] = [_("Give the last day of the campaign.")]
    elif isinstance(starts_on, dt.date) and ends_on < starts_on:
        errors["ends_on"] = [_("The campaign cannot end before it starts.")]
    if open_days is not None and (
        not isinstance(open_days, int) or not 1 <= open_days <= MAX_OPEN_DAYS
    ):
        errors["open_days"] = [
            _("Give a number of days from 1 to %(max)s.") % {"max": MAX_OPEN_DAYS}
        ]
    if open_days is None and not rules_ticked:
        errors["open_days"] = [_("Tick at least one selection rule.")]
    if len(prefix) > 12:
        errors["bulletin_prefix"] = [_("At most 12 characters.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    return {"name": name}


@transaction.atomic
def campaign_create(
    *,
    actor,
    office: Unit,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    open_days: int | None = None,
    rule_repeat: bool = False,
    rule_group: bool = False,
    rule_cross_level: bool = False,
    bulletin_prefix: str = "",
    idempotency_key: str | None = None,
    idempotency_fingerprint: str = "",
) -> Campaign:
    """Set a campaign up for a petition office (draft). 404 when the actor cannot
    see the office (or it is no petition office); 403 when they may not run its
    campaigns; 400 for the fields. The rules combine: a matter matching any ticked
    rule is proposed."""
    if (
        not isinstance(office, Unit)
        or office.kind != UnitKind.PETITION_OFFICE
        or not org_permissions.may_see(actor, office)
    ):
        raise NotFound()
    if not policy.may_create_for(actor, office):
        raise PermissionDenied(
            _("Only a supervisor or dispatcher of the running office may do this.")
        )
    prefix = (bulletin_prefix or "").strip() or default_prefix(office)
    clean = _check_fields(
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        open_days=open_days,
        rules_ticked=rule_repeat or rule_group or rule_cross_level,
        prefix=prefix,
    )
    campaign = Campaign.objects.create(
        office=office,
        starts_on=starts_on,
        ends_on=ends_on,
        open_days=open_days,
        rule_repeat=bool(rule_repeat),
        rule_group=bool(rule_group),
        rule_cross_level=bool(rule_cross_level),
        bulletin_prefix=prefix,
        created_by=actor if getattr(actor, "pk", None) else None,
        idempotency_key=idempotency_key or None,
        idempotency_fingerprint=idempotency_fingerprint if idempotency_key else "",
        **clean,
    )
    CampaignEvent.record(
        campaign,
        action="created",
        actor=actor,
        actor_unit=policy.acting_unit_on_campaign(actor, campaign),
        data={"rules": [str(r) for r in campaign.rules()], "open_days": open_days},
    )
    return campaign


def campaign_replay(*, actor, idempotency_key: str | None, fingerprint: str) -> Campaign | None:
    """The campaign an earlier request with this (user-scoped) key made, if the key
    is in force and the request is the same (another request: 409)."""
    if not idempotency_key:
        return None
    existing = Campaign.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        return None
    if not idempotency.in_force(existing.created_at):
        Campaign.objects.filter(pk=existing.pk).update(idempotency_key=None)
        return None
    idempotency.check_replay(
        stored_fingerprint=existing.idempotency_fingerprint, fingerprint=fingerprint
    )
    if not policy.may_see_campaign(actor, existing):
        raise NotFound()
    return existing


@CAMPAIGN.action("propose")
def campaign_propose(campaign, actor, *, note: str = ""):
    """Select the matching open matters the actor may see and store them as proposed
    (a second proposal before confirming replaces the first)."""
    today = calendar.today()
    found = selectors.matching_matters(actor=actor, campaign=campaign, today=today)
    campaign.matters.filter(status=MatterStatus.PROPOSED).delete()
    CampaignMatter.objects.bulk_create(
        [
            CampaignMatter(
                campaign=campaign,
                petition=p,
                rules=rules,
                age_days=max((today - p.received_on).days, 0),
            )
            for p, rules in found
        ]
    )
    campaign.proposed_on = today
    return {"note": note, "data": {"proposed": len(found)}}


@CAMPAIGN.action("confirm")
def campaign_confirm(
    campaign,
    actor,
    *,
    keep,
    confirmed: bool = False,
    note: str = "",
    listed_on: dt.date | None = None,
):
    """The office confirms the list: the proposed matters in `keep` (campaign matter
    ids) are listed, the others dropped, in one step; `confirmed` must be ticked. A
    kept matter that is already owned (case ownership) is linked to its plan.
    `listed_on`: the day the list was confirmed, for a record entered afterwards
    (default today)."""
    errors: dict[str, list[str]] = {}
    today = calendar.today()
    listed_on = listed_on or today
    if listed_on > today:
        errors["listed_on"] = [_("The list cannot be confirmed on a day still to come.")]
    proposed = {m.pk: m for m in campaign.matters.filter(status=MatterStatus.PROPOSED)}
    try:
        kept = {int(k) for k in keep or ()}
    except (TypeError, ValueError):
        kept = None
    if kept is None or not kept <= set(proposed):
        errors["keep"] = [_("Keep only matters of this campaign's proposed list.")]
    elif not kept:
        errors["keep"] = [_("Keep at least one matter on the list.")]
    if not confirmed:
        errors["confirmed"] = [_("Tick to confirm the list.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    plans = dict(
        OwnershipPlan.objects.filter(
            petition_id__in=[proposed[k].petition_id for k in kept]
        ).values_list("petition_id", "pk")
    )
    for pk, m in proposed.items():
        if pk in kept:
            m.status = MatterStatus.KEPT
            m.listed_on = listed_on
            m.plan_id = plans.get(m.petition_id)
        else:
            m.status = MatterStatus.DROPPED
    CampaignMatter.objects.bulk_update(proposed.values(), ["status", "listed_on", "plan"])
    campaign.confirmed_on = listed_on
    return {
        "note": note,
        "data": {"kept": len(kept), "dropped": len(proposed) - len(kept)},
    }


@CAMPAIGN.action("assign")
def campaign_assign(
    campaign,
    actor,
    *,
    matter,
    owner,
    unit: Unit,
    person: str,
    measures: str,
    standard: str,
    target_date: dt.date,
    note: str = "",
    owned_on: dt.date | None = None,
):
    """Give a listed matter its owning leader and plan (一案一策) through case
    ownership (plan_create: the matter's `own` step, the plan, its event) and link
    the plan to the campaign's matter. 400 when `matter` is not a listed matter of
    this campaign; 409 when it is owned already. `owned_on`: as plan_create's (the
    day the plan was made, default today)."""
    m = (
        CampaignMatter.objects.select_for_update()
        .filter(campaign=campaign, pk=getattr(matter, "pk", matter), status=MatterStatus.KEPT)
        .first()
    )
    if m is None:
        raise InvalidInput(field_errors={"matter": [_("Choose a listed matter of this campaign.")]})
    if m.plan_id is not None:
        raise Conflict(_("This matter already has an owner with a plan."))
    plan = plan_create(
        actor=actor,
        petition=Petition.objects.get(pk=m.petition_id),
        owner=owner,
        unit=unit,
        person=person,
        measures=measures,
        standard=standard,
        target_date=target_date,
        owned_on=owned_on,
    )
    m.plan = plan
    m.save(update_fields=["plan"])
    return {
        "note": note,
        "data": {
            "matter": m.pk,
            "petition": plan.petition.number,
            "plan": plan.pk,
            "owner": owner.pk,
        },
    }


@CAMPAIGN.action("close")
def campaign_close(campaign, actor, *, note: str = ""):
    """End the campaign: its list and bulletins stay as they are."""
    campaign.closed_on = calendar.today()
    return {"note": (note or "").strip()}


__all__ = [
    "CampaignState",
    "campaign_assign",
    "campaign_close",
    "campaign_confirm",
    "campaign_create",
    "campaign_propose",
    "campaign_replay",
    "default_prefix",
]
