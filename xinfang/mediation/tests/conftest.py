"""The mediation area's fixtures for every test module here: its one persona set
`med` (personas.py: township staff and leaders of townships A and B, the
villages' liaisons, mediators at each level on their bodies' rosters, a city
leader and an analyst, outsiders) and `new_dispute`. Constants and input
helpers stay in case_fixtures / screening_fixtures."""

from .case_fixtures import new_dispute
from .personas import med

__all__ = ["med", "new_dispute"]
