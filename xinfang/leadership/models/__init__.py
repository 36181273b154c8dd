"""The leadership area's models, one topic per module (re-exported here)."""

from .ownership import OwnershipEvent, OwnershipPlan, PlanState, Resolution  # noqa: F401
from .receptions import (  # noqa: F401
    MatterLink,
    Reception,
    ReceptionBatch,
    ReceptionEvent,
    ReceptionKind,
    ReceptionMatter,
    ReceptionState,
)
