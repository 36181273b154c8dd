"""The leadership area's personas, for every test module here (built on the root
conftest's demo_tree and make_person)."""

from .receptions_fixtures import rec, reception

__all__ = ["rec", "reception"]
