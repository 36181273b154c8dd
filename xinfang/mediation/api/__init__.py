"""/api/v1/ of the mediation network: cases (disputes, cases, rosters,
statistics) and screening (reports, the ledger, weekly meetings)."""
