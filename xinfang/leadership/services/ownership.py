"""领导包案, 一案一策: every write on an ownership plan.

`plan_create` is the one way a matter gets an owner with a plan (the backlog
campaign calls it too): it takes the matter's own `own` transition
(petitions.services.petition_own), so the matter's `owner_leader` and its
timeline stay true, and writes the plan and its first event in the same
transaction. The plan's later moves go through the frame (workflow.PLAN): lock →
state and version (409) → permission (403) → the body's checks (400) → new
state, version and event.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.core import calendar, idempotency
from xinfang.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.orgs import permissions as org_permissions
from xinfang.orgs.models import Unit
from xinfang.petitions import permissions as petition_policy
from xinfang.petitions import services as petition_services
from xinfang.petitions.models import OPEN_STATES, Petition

from .. import permissions as policy
from ..models import OwnershipEvent, OwnershipPlan, PlanState, Resolution
from ..workflow import PLAN


def _text(errors: dict, field: str, value, message) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = [message]
    return value


def _check_owner(errors: dict, owner, petition: Petition) -> None:
    """The owner must be a leader who may own this matter (its `own` row: a leader
    whose unit reaches the matter); said on the field, not as the actor's 403."""
    if owner is None:
        errors["owner"] = [_("Name the owning leader.")]
    elif not (
        petition_policy.may_see(owner, petition)
        and org_permissions.reaches(owner, petition.scope_unit_ids(), "own_case")
    ):
        errors["owner"] = [_("This person is not a leader who may own this matter.")]


def _check_plan_fields(
    errors: dict, *, unit, person, measures, standard, target_date, owned_on
) -> dict:
    clean = {
        "person": _text(errors, "person", person, _("Name the responsible person.")),
        "measures": _text(errors, "measures", measures, _("Give the measures (化解措施).")),
        "standard": _text(errors, "standard", standard, _("Give the resolution standard.")),
    }
    if not isinstance(unit, Unit):
        errors["unit"] = [_("Choose the responsible unit.")]
    if not isinstance(target_date, dt.date):
        errors["target_date"] = [_("Give the target date.")]
    elif target_date < owned_on:
        errors["target_date"] = [_("The target date cannot be before the plan starts.")]
    return clean


@transaction.atomic
def plan_create(
    *,
    actor,
    petition: Petition,
    owner,
    unit: Unit,
    person: str,
    measures: str,
    standard: str,
    target_date: dt.date,
    owned_on: dt.date | None = None,
    idempotency_key: str | None = None,
    idempotency_fingerprint: str = "",
) -> OwnershipPlan:
    """A leader owns the matter with a plan (一案一策). 404 when the actor may not
    see the matter; 409 when it is closed or already has a plan; 403 when the actor
    may not name owners for it; 400 for the fields. `owned_on`: the day the plan
    was made, for a record entered afterwards (default today)."""
    p = Petition.objects.select_for_update().filter(pk=getattr(petition, "pk", None)).first()
    if p is None or not petition_policy.may_see(actor, p):
        raise NotFound()
    if p.state not in OPEN_STATES:
        raise Conflict(_("This matter is closed; a closed matter is not owned."))
    if OwnershipPlan.objects.filter(petition=p).exists():
        raise Conflict(_("This matter already has an owner with a plan."))
    if not policy.may_assign_owner(actor, p):
        raise PermissionDenied(_("Only a leader or a supervisor over this matter may do this."))
    owned_on = owned_on or calendar.today()
    errors: dict[str, list[str]] = {}
    clean = _check_plan_fields(
        errors,
        unit=unit,
        person=person,
        measures=measures,
        standard=standard,
        target_date=target_date,
        owned_on=owned_on,
    )
    _check_owner(errors, owner, p)
    if errors:
        raise InvalidInput(field_errors=errors)
    # The matter's own step: its owner_leader and its timeline ("Own the case").
    petition_services.petition_own(actor=owner, petition_id=p.pk, plan=clean["measures"])
    try:
        with transaction.atomic():
            plan = OwnershipPlan.objects.create(
                petition=p,
                owner=owner,
                unit=unit,
                target_date=target_date,
                owned_on=owned_on,
                last_moved_at=timezone.now(),
                created_by=actor if getattr(actor, "pk", None) else None,
                idempotency_key=idempotency_key or None,
                idempotency_fingerprint=idempotency_fingerprint if idempotency_key else "",
                **clean,
            )
    except IntegrityError:
        raise Conflict(_("This matter already has an owner with a plan.")) from None
    OwnershipEvent.record(
        plan,
        action="created",
        actor=actor,
        actor_unit=policy.acting_unit(actor, plan),
        data={
            "owner": owner.pk,
            "unit": unit.pk,
            "target_date": target_date.isoformat(),
            "petition": p.number,
        },
    )
    return plan


def plan_replay(*, actor, idempotency_key: str | None, fingerprint: str) -> OwnershipPlan | None:
    """The plan an earlier request with this (user-scoped) key made, if the key is
    in force and the request is the same (another request: 409)."""
    if not idempotency_key:
        return None
    existing = OwnershipPlan.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        return None
    if not idempotency.in_force(existing.created_at):
        OwnershipPlan.objects.filter(pk=existing.pk).update(idempotency_key=None)
        return None
    idempotency.check_replay(
        stored_fingerprint=existing.idempotency_fingerprint, fingerprint=fingerprint
    )
    if not policy.may_see_plan(actor, existing):
        raise NotFound()
    return existing


@PLAN.action("progress")
def plan_progress(plan, actor, *, note: str = ""):
    """A progress entry on the plan (what was done, what comes next)."""
    note = (note or "").strip()
    if not note:
        raise InvalidInput(field_errors={"note": [_("Say what moved.")]})
    return {"note": note}


@PLAN.action("revise")
def plan_revise(
    plan,
    actor,
    *,
    measures: str = "",
    standard: str = "",
    person: str = "",
    target_date: dt.date | None = None,
    note: str = "",
):
    """Change the measures, the standard, the responsible person or the target date
    (what is not given stays); the old values are kept on the event."""
    before, errors = {}, {}
    for field, value in (("measures", measures), ("standard", standard), ("person", person)):
        value = (value or "").strip()
        if value and value != getattr(plan, field):
            before[field] = getattr(plan, field)
            setattr(plan, field, value)
    if target_date is not None and target_date != plan.target_date:
        if target_date < plan.owned_on:
            errors["target_date"] = [_("The target date cannot be before the plan starts.")]
        else:
            before["target_date"] = plan.target_date.isoformat()
            plan.target_date = target_date
    if errors:
        raise InvalidInput(field_errors=errors)
    if not before:
        raise InvalidInput(field_errors={"measures": [_("Nothing was changed.")]})
    return {"note": note, "data": {"before": before}}


@PLAN.action("handover")
def plan_handover(plan, actor, *, owner, note: str = ""):
    """Hand the plan to another leader: the matter's `own` step names the new owner."""
    errors: dict[str, list[str]] = {}
    _check_owner(errors, owner, plan.petition)
    if not errors and owner.pk == plan.owner_id:
        errors["owner"] = [_("This leader owns the plan already.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    previous = plan.owner_id
    petition_services.petition_own(actor=owner, petition_id=plan.petition_id, plan=plan.measures)
    plan.owner = owner
    return {"note": note, "data": {"owner": owner.pk, "previous": previous}}


@PLAN.action("resolve")
def plan_resolve(
    plan, actor, *, resolution: str, note: str = "", resolved_on: dt.date | None = None
):
    """化解: how it was resolved (息诉罢访, agreement, assistance, ...)."""
    errors: dict[str, list[str]] = {}
    if resolution not in Resolution.values:
        errors["resolution"] = [_("Choose how it was resolved.")]
    resolved_on = resolved_on or calendar.today()
    if resolved_on < plan.owned_on:
        errors["resolved_on"] = [_("The matter cannot be resolved before it was owned.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    plan.resolution = resolution
    plan.resolution_note = (note or "").strip()
    plan.resolved_on = resolved_on
    return {
        "note": plan.resolution_note,
        "data": {"resolution": resolution, "resolved_on": resolved_on.isoformat()},
    }


@PLAN.action("reopen")
def plan_reopen(plan, actor, *, note: str = ""):
    """The matter came back (重复信访): the plan is in hand again."""
    note = (note or "").strip()
    if not note:
        raise InvalidInput(field_errors={"note": [_("Say why it came back.")]})
    previous = {"resolution": plan.resolution, "resolved_on": plan.resolved_on.isoformat()}
    plan.resolution = ""
    plan.resolution_note = ""
    plan.resolved_on = None
    plan.reopened_count += 1
    return {"note": note, "data": {"previous": previous}}


__all__ = [
    "PlanState",
    "plan_create",
    "plan_handover",
    "plan_progress",
    "plan_reopen",
    "plan_replay",
    "plan_resolve",
    "plan_revise",
]
