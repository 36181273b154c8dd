"""Every write in the mediation network, one topic per module, re-exported here
(`from xinfang.mediation import services`).

Like the petition services: keyword-only, typed; a write that moves a dispute,
a case or a meeting is a row of workflow.py taken through its frame (lock →
state and version → permission → the row's guard → write → event), all or
nothing: 404 unless the actor may see it, 409 when the action no longer fits
the state, 403 when they may not act, 400 for their input.
"""

from ..models import MediationCase
from .agreements import agreement_put_in_writing, agreement_record, follow_up_record
from .cases import (
    case_assign_mediators,
    case_extend,
    case_fail,
    case_record_consent,
    case_record_session,
    case_stop,
)
from .common import (
    ROUTES_TOLD,
    body_for,
    centre_at,
    city_of,
    committee_for,
    next_number,
    township_of,
)
from .disputes import (
    case_open,
    dispute_create,
    dispute_escalate,
    dispute_register,
    dispute_route,
    route_to,
)
from .diversion import (
    petition_conclude_by_agreement,
    petition_divert,
    petition_raise,
    petition_resume,
)
from .imports import HistoricalDispute, dispute_import_historical
from .judicial import judicial_apply, judicial_ruling
from .recompute import recompute_deadlines
from .roster import mediator_add, mediator_set_active, mediator_update

__all__ = [
    "HistoricalDispute",
    "dispute_import_historical",
    "ROUTES_TOLD",
    "MediationCase",
    "agreement_put_in_writing",
    "agreement_record",
    "body_for",
    "case_assign_mediators",
    "case_extend",
    "case_fail",
    "case_open",
    "case_record_consent",
    "case_record_session",
    "case_stop",
    "centre_at",
    "city_of",
    "committee_for",
    "dispute_create",
    "dispute_escalate",
    "dispute_register",
    "dispute_route",
    "follow_up_record",
    "judicial_apply",
    "judicial_ruling",
    "mediator_add",
    "mediator_set_active",
    "mediator_update",
    "next_number",
    "petition_conclude_by_agreement",
    "petition_divert",
    "petition_raise",
    "petition_resume",
    "recompute_deadlines",
    "route_to",
    "township_of",
]
