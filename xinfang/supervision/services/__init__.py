"""Every write of the supervision area, one topic per module (re-exported here).

- listings: 挂牌督办 (create), 催办/督办 (chase, with a numbered letter), the
  unit's report, another colour, 摘牌 (delist); `listing_act` runs one by name;
- tick: the escalation ladder and the delisting of resolved matters.
"""

from .listings import (
    REPORT_DAYS,
    default_report_by,
    letter_number,
    listing_act,
    listing_chase,
    listing_create,
    listing_delist,
    listing_recolour,
    listing_report,
)
from .tick import supervision_tick, take_step

__all__ = [
    "REPORT_DAYS",
    "default_report_by",
    "letter_number",
    "listing_act",
    "listing_chase",
    "listing_create",
    "listing_delist",
    "listing_recolour",
    "listing_report",
    "supervision_tick",
    "take_step",
]
