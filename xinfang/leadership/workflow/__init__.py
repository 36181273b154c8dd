"""The leadership area's workflow, one topic per module (campaigns, ownership, receptions),
re-exported here."""

from .campaigns import (  # noqa: F401
    CAMPAIGN,
    CAMPAIGNS,
    C,
    CampaignFrame,
)
from .ownership import (  # noqa: F401
    HEARING,
    HEARINGS,
    PLAN,
    PLANS,
    H,
    HearingFrame,
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
