"""Forms of the mediation pages, one module per sub-domain: cases (disputes,
cases, rosters, diversion) and screening (reports, ledger, weekly meetings).
They parse input; the services decide."""
