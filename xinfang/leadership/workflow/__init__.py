"""The leadership area's workflow, one topic per module (ownership, receptions),
re-exported here."""

from .ownership import (  # noqa: F401
    H,
    HEARING,
    HEARINGS,
    HearingFrame,
    P,
    PLAN,
    PLANS,
    PlanFrame,
)

from .receptions import (  # noqa: F401
    R,
    RECEPTION,
    RECEPTIONS,
    ReceptionFrame,
    acting_unit,
)
