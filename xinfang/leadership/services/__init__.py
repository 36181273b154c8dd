"""Every write of the leadership area, one topic per module (re-exported here)."""

from .bulletins import bulletin_number, campaign_issue_bulletin  # noqa: F401
from .campaigns import (  # noqa: F401
    campaign_assign,
    campaign_close,
    campaign_confirm,
    campaign_create,
    campaign_propose,
    campaign_replay,
)
from .hearings import (  # noqa: F401
    hearing_cancel,
    hearing_hold,
    hearing_invite,
    hearing_issue,
    hearing_replay,
    hearing_reschedule,
    hearing_schedule,
)
from .ownership import (  # noqa: F401
    plan_create,
    plan_handover,
    plan_progress,
    plan_reopen,
    plan_replay,
    plan_resolve,
    plan_revise,
)
from .receptions import (  # noqa: F401
    leader_unit_of,
    reception_add_batch,
    reception_cancel,
    reception_hold,
    reception_link_matter,
    reception_register_matter,
    reception_schedule,
)
