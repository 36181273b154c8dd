"""The leadership area's workflow, one topic per module (campaigns, hearings, ownership, receptions),
re-exported here."""

from .campaigns import (  # noqa: F401
    CAMPAIGN,
    CAMPAIGNS,
    C,
    CampaignFrame,
)
from .hearings import (  # noqa: F401
    HEARING,
    HEARINGS,
    H,
    HearingFrame,
)
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
