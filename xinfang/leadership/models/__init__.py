"""The leadership area's models, one topic per module (re-exported here)."""

from .campaigns import (  # noqa: F401
    Bulletin,
    Campaign,
    CampaignEvent,
    CampaignMatter,
    CampaignState,
    MatterStatus,
    Rule,
)
from .ownership import OwnershipEvent, OwnershipPlan, PlanState, Resolution  # noqa: F401
