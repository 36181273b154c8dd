"""The leadership area's permissions, one topic per module (campaigns, hearings, ownership, receptions),
re-exported here."""

from .campaigns import (  # noqa: F401
    READ_ACTIONS,
    RUN,
    acting_unit_on_campaign,
    may_create_for,
    may_name_owners,
    may_run,
    may_see_campaign,
    offices_to_run,
    visible_bulletins,
    visible_campaigns,
)
from .hearings import (  # noqa: F401
    acting_unit_on_matter,
    clock_paused_by,
    hearing_unit,
    may_act_on_hearing,
    may_hold_hearing,
    may_pause_for_hearing,
    may_see,
    may_see_hearing,
    visible_hearings,
)
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
