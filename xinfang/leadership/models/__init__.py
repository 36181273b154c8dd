"""The leadership area's models, one topic per module (re-exported here)."""
