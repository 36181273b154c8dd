"""The petition's side of 优先调解, under the names the mediation area first read
here (kept for it; the public names are in petitions.services and
petitions.workflow: check_divertible, record_mediation_step, FRAME.lock,
DIVERTIBLE_STATES, ACCUSATION_NOT_DIVERTED, Petition.is_accusation).

The steps themselves are rows of workflow.TABLE run through the frame
(services/diversion.py), not side doors.
"""

from __future__ import annotations

from .models import Petition
from .services import FRAME, check_divertible, is_accusation
from .services import record_mediation_step as record_step
from .services.diversion import CONCLUDED_BY_MEDIATION
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


def lock(actor, petition_id: int) -> Petition:
    """The petition's row, locked; 404 unless the actor may see it."""
    return FRAME.lock(actor, petition_id)
