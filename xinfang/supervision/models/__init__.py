"""The supervision area's models, one topic per module (re-exported here)."""

from .listings import (
    Chase,
    ChaseKind,
    Escalation,
    EscalationStep,
    Listing,
    ListingColour,
    ListingEvent,
    ListingState,
)

__all__ = [
    "Chase",
    "ChaseKind",
    "Escalation",
    "EscalationStep",
    "Listing",
    "ListingColour",
    "ListingEvent",
    "ListingState",
]
