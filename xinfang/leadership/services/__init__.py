"""Every write of the leadership area, one topic per module (re-exported here)."""

from .ownership import (  # noqa: F401
    plan_create,
    plan_handover,
    plan_progress,
    plan_reopen,
    plan_replay,
    plan_resolve,
    plan_revise,
)
