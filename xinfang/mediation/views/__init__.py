"""Pages of the mediation network, one topic per module: disputes, cases,
roster, stats, diversion (cases); screening, ledger, meetings (screening)."""
