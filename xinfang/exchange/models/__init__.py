"""The exchange's own records, one topic per module: the Open311 clients and
their requests (open311)."""

from .open311 import Open311Client, Open311Request, key_digest

__all__ = ["Open311Client", "Open311Request", "key_digest"]
