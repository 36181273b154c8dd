"""Pages of the supervision area, one topic per module: the board (board.py) and
one listing with its chases, letters and actions (listing.py)."""

from .board import board
from .listing import act, detail, for_matter, letter, new

__all__ = ["act", "board", "detail", "for_matter", "letter", "new"]
