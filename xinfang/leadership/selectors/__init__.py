"""The leadership area's selectors, one topic per module (campaigns, hearings, ownership, receptions),
re-exported here."""

from .campaigns import (  # noqa: F401
    GROUP_FROM,
    bulletin_get,
    bulletins_of,
    campaign_get,
    campaigns_visible,
    listed_count,
    matching_matters,
    matters_of,
    rules_matched,
    scope_office_ids,
)
from .hearings import (  # noqa: F401
    hearing_get,
    hearing_timeline,
    hearings_of,
    hearings_visible,
    participants,
)
from .ownership import (  # noqa: F401
    moved_since,
    ownership_by_unit,
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
    reception_figures_by_unit,
    reception_get,
    reception_list,
    reception_stats,
    upcoming_for,
)


def timeline(subject) -> list:
    """The events of a reception, a plan, a hearing, a campaign (any aggregate of
    this area), in order."""
    return list(subject.events.select_related("actor", "actor_unit").order_by("at", "id"))
