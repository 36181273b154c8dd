"""The leadership area's workflow, one topic per module: `receptions`
(leaders' receptions) and `ownership` (case ownership). Re-exported here."""

from .ownership import (  # noqa: F401
    PLAN,
    PLANS,
    P,
    PlanFrame,
)
from .receptions import (  # noqa: F401
    RECEPTION,
    RECEPTIONS,
    R,
    ReceptionFrame,
    acting_unit,
)
