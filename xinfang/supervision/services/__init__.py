"""Every write of the supervision area, one topic per module (re-exported here)."""
