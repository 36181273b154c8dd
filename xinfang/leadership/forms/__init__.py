"""Forms of the leadership area, one topic per module."""
