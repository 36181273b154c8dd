"""The mediation network (矛盾纠纷多元化解, DOMAIN.md section 6).

"集中受理、分类办理、优先调解、依法化解": a dispute is received once (from a
village's daily screening, a direct application, a court or police referral, or
a petition diverted to mediation), sorted to a mediation body (the centre of the
level where it arose, or a professional committee by type), mediated with both
parties' consent, and ends in an agreement or in the legal routes.

Each dispute's timeline, audit trail and the source of the statistics is one
append-only table, DisputeEvent. The dispute row keeps what the ledger (台账)
and the statistics need: where it arose, where it is, where it was settled.
"""

from .cases import (
    Agreement,
    AgreementForm,
    AgreementTerm,
    CaseState,
    Consent,
    FailureReason,
    FollowUp,
    JudicialConfirmation,
    MediationCase,
    MediationSession,
)
from .disputes import (
    OPEN_DISPUTE_STATES,
    Dispute,
    DisputeEvent,
    DisputeParty,
    DisputeState,
    DisputeType,
    PartyRole,
    Risk,
    ScreeningReport,
    Source,
)
from .meetings import AgendaReason, Meeting, MeetingItem
from .roster import MEDIATOR_TRACKED_FIELDS, Mediator, MediatorAction, MediatorEvent

__all__ = [
    "MEDIATOR_TRACKED_FIELDS",
    "OPEN_DISPUTE_STATES",
    "AgendaReason",
    "Agreement",
    "AgreementForm",
    "AgreementTerm",
    "CaseState",
    "Consent",
    "Dispute",
    "DisputeEvent",
    "DisputeParty",
    "DisputeState",
    "DisputeType",
    "FailureReason",
    "FollowUp",
    "JudicialConfirmation",
    "MediationCase",
    "MediationSession",
    "Mediator",
    "MediatorAction",
    "MediatorEvent",
    "Meeting",
    "MeetingItem",
    "PartyRole",
    "Risk",
    "ScreeningReport",
    "Source",
]
