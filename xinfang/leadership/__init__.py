"""Leadership work (领导接访下访、领导包案、听证): receptions and their batches,
case ownership with a plan, public evaluation hearings. Rank 4: builds on
petitions and mediation; supervision builds on it."""
