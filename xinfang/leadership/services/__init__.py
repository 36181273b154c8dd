"""Every write of the leadership area, one topic per module (re-exported here)."""
