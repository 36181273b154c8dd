"""The leadership area's permissions, one topic per module: `receptions`
(leaders' receptions) and `ownership` (case ownership). Re-exported here."""

from .ownership import (  # noqa: F401
    OWNING_ACTIONS,
    acting_unit,
    may_act_on_plan,
    may_assign_owner,
    may_see_plan,
    visible_plans,
)
from .receptions import (  # noqa: F401
    leader_memberships,
    may,
    may_record_for,
    may_see_reception,
    records_somewhere,
    registering_unit,
    sees_all,
    visible_receptions,
)
