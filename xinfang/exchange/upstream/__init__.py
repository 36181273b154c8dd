"""The exchange with the system above and the systems below (上下级联网, issue 15).

- models (exchange/models/upstream.py): Peer, ExchangeMessage (the outbox),
  InboundMessage (receipts, once per peer and message id), InboundNonce;
- outbound: events to outbox rows in the event's transaction, the `deliver`
  task (ordered per matter, retried with backoff), `sweep`, `retry`;
- transport: the Transport protocol a deployment plugs its own into, the HTTPS
  JSON transport, the name of the batch transport;
- signing: HMAC-SHA256 request signatures, the replay window and nonces;
- inbound: a received message kept once and acted on (上级交办 registered);
- batch: the signed offline file, export and import;
- peers: setting a peer up; selectors and views: the administrator's page and
  the signed endpoint.
docs/architecture.md ("The upstream exchange") and docs/api.md describe it."""
