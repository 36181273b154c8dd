"""Pages of the supervision area, one topic per module."""
