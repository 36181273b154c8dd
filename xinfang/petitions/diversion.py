"""The petition's side of 优先调解, as the mediation area calls it (kept for it).

The steps themselves are rows of workflow.TABLE, run through the frame by
services.diversion (petition_divert_to_mediation, petition_resume_after_mediation,
petition_conclude_by_agreement); this module only names them for the callers
that read the petition's rules here: which states may be diverted, why an
accusation is not, and `record_step`, which takes the step by its action.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from xinfang.core.exceptions import Conflict
from xinfang.orgs.models import Unit

from .models import Petition, PetitionEvent
from .services import FRAME
from .services.diversion import CONCLUDED_BY_MEDIATION, MEDIATION_STEPS
from .workflow import ACCUSATION_NOT_DIVERTED, DIVERTIBLE_STATES

__all__ = [
    "ACCUSATION_NOT_DIVERTED",
    "CONCLUDED_BY_MEDIATION",
    "DIVERTIBLE_STATES",
    "check_divertible",
    "is_accusation",
    "lock",
    "record_step",
]


def is_accusation(p: Petition) -> bool:
    return p.is_accusation


def check_divertible(p: Petition) -> None:
    """409 unless the petition may go to mediation: not an accusation, no opinion yet."""
    if p.is_accusation:
        raise Conflict(str(ACCUSATION_NOT_DIVERTED))
    if p.state not in DIVERTIBLE_STATES:
        raise Conflict(_("Only a matter without an opinion yet can be diverted to mediation."))


def lock(actor, petition_id: int) -> Petition:
    """The petition's row, locked; 404 unless the actor may see it."""
    return FRAME.lock(actor, petition_id)


def record_step(
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
