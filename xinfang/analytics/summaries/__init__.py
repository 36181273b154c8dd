"""The summaries behind the figures: what one matter contributes (its fact), how
the summary follows a matter's change in the matter's own transaction, the full
rebuild (`facts.py`), and the reading of sums for a user, a unit and a range of
days (`reading.py`).

Visibility (docs/indicators.md, "Summaries"): a summary row knows no visibility,
so it is read only where it cannot differ from the matters the user may see:
- matters that are not accusations, when the user's reach covers the unit's
  whole subtree (then every matter of the unit, by place or responsible unit, is
  one the user sees: petitions.permissions.visible_petitions);
- accusations, for such a user, by the keys the accusation guard reads: a row
  whose responsible unit the user reaches and whose accused unit is not one the
  user is inside of (petitions.permissions.accused_inside_ids) holds accusations
  the user sees, but those accusing the user in person, which are read from the
  facts and taken off; the accusations handled outside the user's reach are read
  from the facts of exactly the matters `selectors.scope()` gives (`Guard`);
- the rows by township (`dim` "t") for a unit above the townships, and the
  volumes by channel, purpose, category and unit, whose rows keep the place and
  unit only as their townships, for a unit not below a township.
Everything else (all of a unit the summary cannot answer for) is summed from the
facts of exactly the matters `selectors.scope()` gives the user, so the accused
unit's users never count an accusation.
"""

from ..models import MEASURES
from .facts import (
    DIMS,
    ROLLUP,
    WHOLE,
    Tree,
    compute_facts,
    contributions,
    drain,
    drain_if_marked,
    drain_soon,
    fact_of,
    forget,
    mark,
    rebuild,
    recount,
    refresh,
    summarize_facts,
    summary_rows,
    tick,
)
from .reading import Guard, Sums, covers, gather, guard, totals_of

__all__ = [
    "DIMS",
    "MEASURES",
    "ROLLUP",
    "WHOLE",
    "Guard",
    "Sums",
    "Tree",
    "compute_facts",
    "contributions",
    "covers",
    "drain",
    "drain_if_marked",
    "drain_soon",
    "fact_of",
    "forget",
    "gather",
    "guard",
    "mark",
    "rebuild",
    "recount",
    "refresh",
    "summarize_facts",
    "summary_rows",
    "tick",
    "totals_of",
]
