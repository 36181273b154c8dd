"""The mediation area's personas, for every test module here (built on the root
conftest's demo_tree and make_person): `med` (township staff, mediators at each
level on their rosters, outsiders) with `new_dispute`, and `crew` (the villages'
liaisons and the township staff of the screening, ledger and meetings). Their
constants and input helpers stay in case_fixtures / screening_fixtures."""

from .case_fixtures import med, new_dispute
from .screening_fixtures import crew

__all__ = ["crew", "med", "new_dispute"]
