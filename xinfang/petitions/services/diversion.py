"""The petition's side of 优先调解 (a petition diverted to mediation and back).

The mediation area drives the steps (its petition_divert, petition_resume,
petition_conclude_by_agreement) and calls these inside its own transaction, so
the petition's event and the dispute's event are written together or not at
all. Each is a row of workflow.TABLE run through the frame (lock, state,
permission: the matter's dispatcher or handler, the row's guard: never an
accusation), not a side door: the petition keeps its state while it is in
mediation (its clock runs on) and is concluded only when an agreement settles
the dispute. They are not among the actions the petition's own pages and API
offer (PetitionFrame.allowed). Each returns the petition's event
(`petition.last_event`), which the dispute's event names.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core.exceptions import Conflict
from xinfang.orgs.models import Unit

from ..models import Petition, PetitionEvent
from ..workflow import ACCUSATION_NOT_DIVERTED, DIVERTIBLE_STATES
from .frame import FRAME

CONCLUDED_BY_MEDIATION = "mediation"


def _step(p: Petition, actor, *, actor_unit: Unit | None, note: str, data: dict | None) -> dict:
    return {"actor_unit": actor_unit, "note": note, "data": data or {}}


def _concluded(
    p: Petition, actor, *, actor_unit: Unit | None, note: str, data: dict | None
) -> dict:
    p.concluded_reason = CONCLUDED_BY_MEDIATION
    return _step(p, actor, actor_unit=actor_unit, note=note, data=data)


def _mediation_step(name: str, body, doc: str):
    """The service of one diversion row: mediation's services call it with the
    acting unit and the dispute in `data`; the frame checks and records as for
    any transition, and the event is returned."""

    @transaction.atomic
    def service(
        *,
        actor,
        petition_id: int,
        actor_unit: Unit | None = None,
        note: str = "",
        data: dict | None = None,
    ) -> PetitionEvent:
        p = FRAME.act(
            name,
            actor=actor,
            pk=petition_id,
            version=None,
            body=body,
            fields={"actor_unit": actor_unit, "note": note, "data": data},
        )
        return p.last_event

    service.__name__ = service.__qualname__ = f"petition_{name}"
    service.__doc__ = doc
    return service


petition_divert_to_mediation = _mediation_step(
    "divert_to_mediation",
    _step,
    "The matter goes to mediation first (`data` names the dispute and its body).",
)
petition_resume_after_mediation = _mediation_step(
    "resume_after_mediation", _step, "Mediation failed: the matter goes on where it stood."
)
petition_conclude_by_agreement = _mediation_step(
    "concluded_by_mediation",
    _concluded,
    "A mediation agreement settled the dispute: the matter is concluded.",
)


# By the event's action, for the mediation area's one step function.
MEDIATION_STEPS = {
    "divert_to_mediation": petition_divert_to_mediation,
    "resume_after_mediation": petition_resume_after_mediation,
    "concluded_by_mediation": petition_conclude_by_agreement,
}


def is_accusation(p: Petition) -> bool:
    """An accusation is never mediated between the parties (信访工作条例 Art. 30)."""
    return p.is_accusation


def check_divertible(p: Petition) -> None:
    """409 unless the petition may go to mediation: not an accusation, no opinion
    yet (what the divert row's state and guard say, asked before the mediation
    area builds the dispute)."""
    if p.is_accusation:
        raise Conflict(str(ACCUSATION_NOT_DIVERTED))
    if p.state not in DIVERTIBLE_STATES:
        raise Conflict(_("Only a matter without an opinion yet can be diverted to mediation."))


def record_mediation_step(
    p: Petition,
    *,
    actor,
    actor_unit: Unit | None,
    action: str,
    note: str = "",
    data: dict | None = None,
    conclude: bool = False,
) -> PetitionEvent:
    """Take the petition's side of a mediation step (`action`: divert_to_mediation,
    resume_after_mediation or concluded_by_mediation) through the transitions
    table; returns the petition's event. `conclude` must agree with the action
    (only concluded_by_mediation concludes)."""
    if conclude != (action == "concluded_by_mediation"):
        raise ValueError(f"{action!r} does not conclude={conclude}")
    return MEDIATION_STEPS[action](
        actor=actor, petition_id=p.pk, actor_unit=actor_unit, note=note, data=data
    )
