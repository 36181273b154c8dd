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
from .hearings import (  # noqa: F401
    Hearing,
    HearingEvent,
    HearingKind,
    HearingParticipant,
    HearingState,
    ParticipantRole,
)
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
