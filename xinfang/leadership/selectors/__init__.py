"""The leadership area's selectors, one topic per module: `receptions`
(leaders' receptions) and `ownership` (case ownership). Re-exported here."""

from .ownership import (  # noqa: F401
    hearings_of,
    moved_since,
    ownership_counts,
    plan_get,
    plan_of,
    plans_owned_by,
    plans_visible,
    read_period,
)
from .receptions import (  # noqa: F401
    Figures,
    LeaderMonth,
    behind_this_month,
    county_leaders,
    leaders_this_month,
    may_read_receptions,
    month_bounds,
    places_for,
    public_calendar,
    reception_get,
    reception_list,
    reception_stats,
    upcoming_for,
)


def timeline(subject) -> list:
    """The events of a reception or a plan (any aggregate of this area), in order."""
    return list(subject.events.select_related("actor", "actor_unit").order_by("at", "id"))
