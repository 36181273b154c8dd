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
from .ownership import (  # noqa: F401
    plan_create,
    plan_handover,
    plan_progress,
    plan_reopen,
    plan_replay,
    plan_resolve,
    plan_revise,
)
