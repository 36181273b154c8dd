"""The leadership area's models, one topic per module (re-exported here)."""

from .ownership import OwnershipEvent, OwnershipPlan, PlanState, Resolution  # noqa: F401
