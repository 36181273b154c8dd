"""The upstream exchange's own records (上下级联网, exchange.upstream): the peers
this instance exchanges with, the outbox of messages to them, and the receipts
of the messages they sent us.

The outbox row is written in the transaction of the event it reports (the
exchange's receiver of PetitionEvent's post_save), so a rolled-back step sends
nothing and a committed one cannot lose its message. Its UUID is the stable
message id the receiver deduplicates on (InboundMessage is unique per peer and
message id); `seq` orders the messages of one matter to one peer, and the
delivery task never sends message n+1 before n is delivered."""

import hashlib
import secrets
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.core.crypto import EncryptedTextField


def new_key() -> str:
    """A fresh shared secret (256 bits), shown once when a peer is set up."""
    return secrets.token_urlsafe(32)


class Peer(models.Model):
    """Another system we exchange matters with: the system above (上级, the
    national or provincial 信访信息系统, or another Xinfang instance) or one below
    (a county instance, to which our 交办 go).

    `name` is how the peer names itself to us (the X-Xinfang-Peer header, the
    batch manifest's "from"); `identity` is how we name ourselves to it. The
    shared key signs both ways; it is encrypted at rest (core.crypto)."""

    class Direction(models.TextChoices):
        UP = "up", _("Above us (上级)")
        DOWN = "down", _("Below us (下级)")

    class Transport(models.TextChoices):
        HTTPS = "https", _("HTTPS JSON, signed")
        BATCH = "batch", _("Offline batch file")

    name = models.CharField(_("name"), max_length=60, unique=True)
    identity = models.CharField(
        _("our name at the peer"),
        max_length=60,
        help_text=_("How this instance names itself in the messages it sends to the peer."),
    )
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    transport = models.CharField(
        _("transport"), max_length=20, choices=Transport.choices, default=Transport.HTTPS
    )
    base_url = models.URLField(_("address"), blank=True)
    key = EncryptedTextField(_("shared key"), editable=False)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("territory served"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "A peer below: the unit whose territory its instance serves. A matter "
            "forwarded to a unit inside it is sent down as an assignment (交办)."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("exchange peer")
        verbose_name_plural = _("exchange peers")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def key_fingerprint(self) -> str:
        """The first 12 hex digits of the key's SHA-256: the two administrators
        compare it to see they hold the same key, without showing the key."""
        return hashlib.sha256(self.key.encode("utf-8")).hexdigest()[:12] if self.key else ""


class ExchangeMessage(models.Model):
    """One message to a peer: an event of a matter the peer must know. The
    payload is built when the message is first sent (the matter's number is
    taken last in a registration's transaction) and kept, so every retry sends
    the same bytes; it carries personal data, so it is encrypted at rest."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", _("Registration")
        FORWARD = "forward", _("Forward")
        ACCEPTANCE = "acceptance", _("Acceptance")
        REPLY = "reply", _("Reply")
        REVIEW = "review", _("Review")
        CONCLUSION = "conclusion", _("Conclusion")
        ASSIGNMENT = "assignment", _("Assignment (交办)")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        RETRYING = "retrying", _("Failed, will be tried again")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed for good")

    OPEN_STATES = (State.PENDING, State.SENDING, State.RETRYING)

    id = models.UUIDField(_("message id"), primary_key=True, default=uuid.uuid4, editable=False)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="outbox")
    petition = models.ForeignKey(
        "petitions.Petition", on_delete=models.PROTECT, related_name="+", verbose_name=_("matter")
    )
    event = models.ForeignKey("petitions.PetitionEvent", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    seq = models.PositiveIntegerField(_("order in the matter"))
    payload = EncryptedTextField(_("payload"), blank=True)  # JSON, set at the first send
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("being sent since"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("outgoing exchange message")
        verbose_name_plural = _("outgoing exchange messages")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["peer", "petition", "seq"], name="exchange_msg_order_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["peer", "petition", "seq"], name="exchange_msg_peer_matter"),
        ]

    def __str__(self):
        return f"{self.peer} {self.kind} {self.id}"

    @property
    def lag(self):
        """How long it took from written to delivered (None while open)."""
        return self.delivered_at - self.created_at if self.delivered_at else None


class InboundMessage(models.Model):
    """A message a peer sent us, kept once per (peer, message id): the same
    message again (a retry, a batch file imported twice) changes nothing."""

    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="inbox")
    message_id = models.UUIDField(_("message id"))
    kind = models.CharField(_("kind"), max_length=20, choices=ExchangeMessage.Kind.choices)
    sender_number = models.CharField(_("number at the sender"), max_length=60, blank=True)
    payload = EncryptedTextField(_("payload"), blank=True)
    via = models.CharField(_("received by"), max_length=10, choices=Peer.Transport.choices)
    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    petition = models.ForeignKey(
        "petitions.Petition",
        verbose_name=_("matter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("incoming exchange message")
        verbose_name_plural = _("incoming exchange messages")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["peer", "message_id"], name="exchange_inbound_once"),
        ]

    def __str__(self):
        return f"{self.peer} {self.kind} {self.message_id}"


class InboundNonce(models.Model):
    """The nonce of a signed request, kept for the replay window: the same
    request sent again is refused (a retry of a message signs afresh)."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=64)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["peer", "nonce"], name="exchange_nonce_once"),
        ]

    def __str__(self):
        return f"{self.peer_id} {self.nonce}"
