"""A petition diverted to mediation (优先调解) and back, and a petition raised
from a dispute whose mediation failed.

The petition's side is petitions' own: its public services lock the matter and
write its event (the mediation step on its timeline, or its conclusion), in
the same transaction as the dispute's move here. The names used from petitions
are these (PETITION_* below), in one place for whoever reconciles them with
petitions' transitions table (`divert`, `resume`, `conclude_by_agreement`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core.exceptions import Conflict, InvalidInput, PermissionDenied
from xinfang.orgs import permissions
from xinfang.orgs.models import Unit
from xinfang.petitions import services as petition_services
from xinfang.petitions import workflow as petition_workflow

from .. import permissions as policy
from ..models import OPEN_DISPUTE_STATES, CaseState, Dispute, DisputeEvent, PartyRole, Source
from ..workflow import DISPUTE
from .common import body_for, check_body
from .disputes import dispute_create, route_to

# What petitions offers the way to mediation and back (its side of 优先调解).
PETITION_DIVERTIBLE_STATES = petition_workflow.DIVERTIBLE_STATES
PETITION_ACCUSATION_NOT_DIVERTED = petition_workflow.ACCUSATION_NOT_DIVERTED
PETITION_IS_ACCUSATION = petition_services.is_accusation
PETITION_LOCK = petition_services.FRAME.lock
PETITION_CHECK_DIVERTIBLE = petition_services.check_divertible
PETITION_RECORD_STEP = petition_services.record_mediation_step
PETITION_REGISTER = petition_services.petition_register


def _petition_unit(actor, petition) -> Unit | None:
    if petition.office_id and permissions.reaches(actor, [petition.office_id], "dispatch_petition"):
        return petition.office
    if petition.responsible_unit_id:
        return petition.responsible_unit
    return None


@transaction.atomic
def petition_divert(
    *,
    actor,
    petition_id: int,
    type: str,
    respondents: list[dict],
    body: Unit | None = None,
    to: str = "centre",
    note: str = "",
) -> Dispute:
    """优先调解: a petition that is a dispute between parties goes to mediation
    first. The petitioners become applicants, `respondents` the other side; the
    dispute is routed at once, and each timeline records the other."""
    p = PETITION_LOCK(actor, petition_id)
    if not policy.may_act_on_petition(actor, p):
        raise PermissionDenied(_("Only the matter's dispatcher or handler may divert it."))
    PETITION_CHECK_DIVERTIBLE(p)  # never an accusation (law key accusation_confidential)
    if Dispute.objects.filter(petition=p, state__in=OPEN_DISPUTE_STATES).exists():
        raise Conflict(_("This matter is already in mediation."))
    respondents = [r for r in respondents or [] if (r.get("name") or "").strip()]
    if not respondents:
        raise InvalidInput(field_errors={"respondents": [_("Name the other party.")]})
    parties = [
        {
            "role": PartyRole.APPLICANT,
            "name": x.name,
            "id_number": x.id_number,
            "phone": x.phone,
            "address": x.address,
        }
        for x in p.petitioners.all()
    ] + [{**r, "role": PartyRole.RESPONDENT} for r in respondents]
    unit = _petition_unit(actor, p)
    d = dispute_create(
        actor=actor,
        actor_unit=unit,
        source=Source.PETITION,
        type=type,
        place=p.place,
        summary=p.summary,
        details=p.content,
        parties=parties,
        petition=p,
        received_by=unit,
    )
    if body is None:
        body = body_for(d, to=to)
    check_body(d, body)
    route_to(d, body, actor=actor, note=note)
    pe = PETITION_RECORD_STEP(
        p,
        actor=actor,
        actor_unit=unit,
        action="divert_to_mediation",
        note=note,
        data={"dispute": d.pk, "number": d.number, "body": body.name},
    )
    DisputeEvent.record(
        d,
        action="diverted_from_petition",
        actor=actor,
        actor_unit=unit,
        from_state=d.state,
        data={"petition": p.pk, "number": p.number, "petition_event": pe.pk},
    )
    return d


def _petition_step(
    d: Dispute, actor, *, action: str, step: str, note: str, data: dict, conclude=False
):
    """The petition's side of the way back from mediation: one event on the
    petition, the step remembered on the dispute; the dispute's event names both."""
    p = PETITION_LOCK(actor, d.petition_id)
    pe = PETITION_RECORD_STEP(
        p,
        actor=actor,
        actor_unit=_petition_unit(actor, p),
        action=action,
        note=note,
        conclude=conclude,
        data={"dispute": d.pk, "number": d.number, **data},
    )
    d.data = {**(d.data or {}), "petition_step": step}
    return {"note": note, "data": {"petition": p.pk, "number": p.number, "petition_event": pe.pk}}


@DISPUTE.action("petition_resumed", service_name="petition_resume")
def petition_resume(d: Dispute, actor, *, note: str = "") -> dict:
    """Mediation failed: the petition goes on where it stood, and says why."""
    case = d.cases.order_by("-id").first()
    return _petition_step(
        d,
        actor,
        action="resume_after_mediation",
        step="resumed",
        note=note,
        data={"reason": case.failure_reason if case else ""},
    )


@DISPUTE.action("petition_concluded", service_name="petition_conclude_by_agreement")
def petition_conclude_by_agreement(d: Dispute, actor, *, note: str = "") -> dict:
    """Mediation succeeded: the petition is concluded, the agreement linked."""
    case = d.cases.filter(state=CaseState.SUCCESS).order_by("-id").first()
    return _petition_step(
        d,
        actor,
        action="concluded_by_mediation",
        step="concluded",
        note=note,
        conclude=True,
        data={
            "case": case.pk if case else None,
            "case_number": case.number if case else "",
        },
    )


@DISPUTE.action("petition_raised", service_name="_petition_raise")
def _petition_raise(d: Dispute, actor, *, registration: dict) -> dict:
    p = PETITION_REGISTER(
        actor=actor,
        **registration,
        event_data={"from_dispute": d.number, "dispute": d.pk},
    )
    d.data = {**(d.data or {}), "raised_petition": p.pk, "raised_petition_number": p.number}
    d.raised = p
    return {
        "unit": registration.get("registering_unit"),
        "data": {"petition": p.pk, "number": p.number},
    }


def petition_raise(*, actor, dispute_id: int, registration: dict):
    """Mediation failed, and a party petitions (law key mediation_stop leaves the other
    routes open): the clerk registers the matter from the dispute. The petition's
    register event names the dispute, the dispute gets a `petition_raised` event
    naming the petition, in one transaction. `registration` holds the keyword
    arguments of petitions.services.petition_register."""
    return _petition_raise(actor=actor, dispute_id=dispute_id, registration=registration).raised
