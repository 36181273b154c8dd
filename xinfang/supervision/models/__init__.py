"""The supervision area's models, one topic per module (re-exported here)."""
