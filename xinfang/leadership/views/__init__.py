"""Pages of the leadership area, one topic per module."""
