"""Notifications to petitioners and staff by SMS or e-mail.

Everyone calls `send(...)`, inside the transaction of what the message tells:
it writes an OutboxMessage (core.models) and enqueues the `deliver` task
(core.tasks), so a rolled-back change sends nothing and a committed one cannot
lose its message, even if the process dies at once. A background worker
delivers it; a message that fails is tried again with backoff
(settings.XINFANG_RETRY_BASE_SECONDS, doubling, XINFANG_NOTIFY_MAX_ATTEMPTS in
all), then is failed for good and shown to the administrator, who can send it
again. Each message has a stable id (the OutboxMessage's UUID), handed to the
gateway: a worker killed between sending and recording it sends it again with
the same id, which the receiver deduplicates on.

Which gateway carries the message is a deployment choice:
settings.XINFANG_NOTIFY_SENDER (both channels) and XINFANG_SMS_SENDER (SMS only;
env SMS_SENDER), each "log" or a dotted path to a class with a `send` method
(core.gateways has SMTP e-mail and Tencent Cloud SMS). The default, "log"
(LogSender), only writes to the log, since every province has its own SMS
gateway and many intranets have no outgoing mail: such a message ends "logged",
not "sent", so a page never tells a petitioner "we have sent you an SMS" when it
was only written to a log (`will_deliver(channel)` answers that beforehand). A
sender says it only logs with a class attribute `delivers = False`.

A recipient who opted out (OptOut, by the keyed hash of the number) gets
nothing; the message is kept as "opted out". Nothing is logged in clear that
would let a reader act as the petitioner: query codes (credentials), phone and
ID numbers are masked in every log line and error kept.

A notification is a courtesy on top of the record: the dated notices themselves
are in the matter's timeline. So `send` never raises to the caller."""

import datetime as dt
import json
import logging
import threading
from dataclasses import dataclass, field
from functools import cache
from typing import ClassVar, Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone
from django.utils.module_loading import import_string

from . import redact
from .permissions import administrators
from .pii import mask_id_number, mask_phone

logger = logging.getLogger("xinfang.notify")

CHANNELS = frozenset({"sms", "email"})
DEFAULT_SENDER = "xinfang.core.notify.LogSender"
# What a setting may say instead of LogSender's dotted path.
LOG = "log"


class Sender(Protocol):
    """A gateway: takes one Message (raises when it could not)."""

    def send(self, message: "Message") -> None: ...


@dataclass(frozen=True)
class Delivery:
    """What became of one message. `accepted`: the sender took it without an
    error; `sent`: and it really left (a gateway, not the development log).
    True in a boolean context when accepted, as `send` answered before."""

    channel: str
    accepted: bool
    sent: bool

    def __bool__(self) -> bool:
        return self.accepted


@dataclass(frozen=True)
class Message:
    channel: str
    to: str
    subject: str
    body: str
    message_id: str = ""  # stable: the same message sent twice has the same id
    params: dict = field(default_factory=dict)  # the values an SMS template takes


class LogSender:
    """Writes one INFO line per message and keeps the last OUTBOX_SIZE messages in
    `LogSender.outbox` (for tests and the development server).

    The log line masks the recipient, and carries the body only with DEBUG on,
    and then with query codes, phone and ID numbers masked (`mask_secrets`): query
    codes are credentials, and logs travel further than the database."""

    delivers: ClassVar[bool] = False  # nothing leaves the machine
    OUTBOX_SIZE: ClassVar[int] = 1000
    outbox: ClassVar[list[Message]] = []
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def send(self, message: Message) -> None:
        channel, to, subject, body = message.channel, message.to, message.subject, message.body
        with LogSender._lock:
            LogSender.outbox.append(message)
            del LogSender.outbox[: -LogSender.OUTBOX_SIZE]
        if settings.DEBUG:
            logger.info(
                "%s to %s: %s | %s",
                channel,
                mask_recipient(to),
                mask_secrets(subject),
                mask_secrets(body),
            )
        else:
            logger.info(
                "%s to %s: %s (%d characters)",
                channel,
                mask_recipient(to),
                mask_secrets(subject),
                len(body),
            )


def get_sender(channel: str = "email") -> Sender:
    """The sender configured for `channel`; one instance per dotted path, built
    on first use. SMS uses XINFANG_SMS_SENDER when it is set, else, like e-mail,
    XINFANG_NOTIFY_SENDER."""
    path = getattr(settings, "XINFANG_NOTIFY_SENDER", "") or DEFAULT_SENDER
    if channel == "sms":
        path = getattr(settings, "XINFANG_SMS_SENDER", "") or path
    return _load_sender(DEFAULT_SENDER if path == LOG else path)


@cache
def _load_sender(path: str) -> Sender:
    return import_string(path)()


def will_deliver(channel: str) -> bool:
    """Whether a message on `channel` would really leave (a gateway is configured,
    not the development log): what a page may promise before the message goes."""
    try:
        return channel in CHANNELS and bool(getattr(get_sender(channel), "delivers", True))
    except Exception:  # a misconfigured sender delivers nothing; send() logs why
        return False


def send(
    *, channel: str, to: str, subject: str, body: str, topic: str = "", params: dict | None = None
) -> Delivery:
    """Queue one message (in the caller's transaction; see the module's docstring).
    Never raises: a message that cannot be queued gives a log line and
    Delivery(accepted=False). `.sent` tells whether it will really leave."""
    from . import tasks
    from .models import OutboxMessage

    refused = Delivery(channel=channel, accepted=False, sent=False)
    if channel not in CHANNELS:
        logger.error("Not sent: unknown channel %r (subject %r).", channel, mask_secrets(subject))
        return refused
    if not to:
        logger.warning("Not sent: no %s recipient (subject %r).", channel, mask_secrets(subject))
        return refused
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                channel=channel,
                recipient=to,
                subject=subject[:200],
                body=body,
                params=json.dumps(params or {}, ensure_ascii=False),
                topic=topic,
            )
            tasks.enqueue(deliver, str(message.pk))
    except Exception:
        logger.exception(
            "Not queued: %s to %s (subject %r).",
            channel,
            mask_recipient(to),
            mask_secrets(subject),
        )
        return refused
    return Delivery(channel=channel, accepted=True, sent=will_deliver(channel))


@task()
def deliver(message_id: str) -> str:
    """Send one queued message, once. Safe to run again: a message already sent,
    failed for good, opted out, or being sent by a live worker is left alone."""
    from . import tasks
    from .models import OptOut, OutboxMessage

    State = OutboxMessage.State
    now = timezone.now()
    with transaction.atomic():
        m = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if m is None:
            return "missing"
        busy = tasks.left_alone(m, OutboxMessage.OPEN_STATES, now)
        if busy:
            return busy
        if OptOut.objects.filter(address_hash=m.recipient_hash).exists():
            m.state = State.OPTED_OUT
            m.save(update_fields=["state"])
            return m.state
        m.state, m.claimed_at, m.attempts = State.SENDING, now, m.attempts + 1
        m.save(update_fields=["state", "claimed_at", "attempts"])
    try:
        sender = get_sender(m.channel)
        sender.send(
            Message(
                channel=m.channel,
                to=m.recipient,
                subject=m.subject,
                body=m.body,
                message_id=str(m.pk),
                params=json.loads(m.params or "{}"),
            )
        )
    except Exception as exc:
        error = mask_secrets(f"{type(exc).__name__}: {exc}")[:300]
        return tasks.record_failure(
            m, deliver, error, max_attempts=settings.XINFANG_NOTIFY_MAX_ATTEMPTS, log=logger
        )
    delivers = bool(getattr(sender, "delivers", True))
    m.state = State.SENT if delivers else State.LOGGED
    m.sent_at, m.claimed_at = timezone.now(), None
    m.save(update_fields=["state", "sent_at", "claimed_at"])
    return m.state


def sweep(now: dt.datetime | None = None, grace_seconds: int = 600) -> int:
    """Enqueue again the messages that should have gone by now and have no task
    that will send them (a backend that could not wait for a retry; a task lost
    outside the database queue). Running `deliver` twice is harmless."""
    from . import tasks
    from .models import OutboxMessage

    State = OutboxMessage.State
    now = now or timezone.now()
    late = now - dt.timedelta(seconds=grace_seconds)
    stale = now - dt.timedelta(seconds=settings.XINFANG_WORKER_STALE_SECONDS)
    ids = OutboxMessage.objects.filter(
        Q(state=State.PENDING, created_at__lt=late)
        | Q(state=State.RETRYING, next_attempt_at__lt=late)
        | Q(state=State.SENDING, claimed_at__lt=min(late, stale))
    ).values_list("pk", flat=True)[:1000]
    ids = [str(pk) for pk in ids]
    with transaction.atomic():
        for pk in ids:
            tasks.enqueue(deliver, pk)
    return len(ids)


def send_again(message) -> None:
    """The administrator sends a failed message again (from the first try)."""
    from . import tasks
    from .models import OutboxMessage

    with transaction.atomic():
        OutboxMessage.objects.filter(pk=message.pk).update(
            state=OutboxMessage.State.PENDING, attempts=0, next_attempt_at=None, claimed_at=None
        )
        tasks.enqueue(deliver, str(message.pk))


def opt_out(*, channel: str, address: str) -> bool:
    """The recipient asks for no more messages on `channel`. True when new."""
    from .crypto import blind_index
    from .models import OptOut

    _row, created = OptOut.objects.get_or_create(
        address_hash=blind_index("recipient", address), defaults={"channel": channel}
    )
    return created


def opt_in(*, address: str) -> bool:
    from .crypto import blind_index
    from .models import OptOut

    return OptOut.objects.filter(address_hash=blind_index("recipient", address)).delete()[0] > 0


def opted_out(address: str) -> bool:
    from .crypto import blind_index
    from .models import OptOut

    return OptOut.objects.filter(address_hash=blind_index("recipient", address)).exists()


def send_to_administrators(*, subject: str, body: str) -> int:
    """E-mail every active superuser who has an address (queued in the caller's
    transaction, as `send` is). Returns how many were queued."""
    admins = administrators().exclude(email="").values_list("email", flat=True)
    sent = sum(bool(send(channel="email", to=to, subject=subject, body=body)) for to in admins)
    if not sent:
        logger.warning("No administrator with an e-mail address to tell: %s", subject)
    return sent


def mask_query_code(code: str) -> str:
    """The first 2 and last 2 symbols kept, separators kept: "AB**-****-***NP"."""
    positions = [i for i, ch in enumerate(code) if ch not in "- "]
    hidden = set(positions[2:-2])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(code))


def mask_secrets(text: str) -> str:
    """`text` fit for a log line that a person reads: query codes, ID numbers
    and mobile numbers partly masked (the patterns of core.redact, whose
    handler filter would blank them entirely; here a reader can still tell
    which message it was)."""
    text = redact.QUERY_CODE_RE.sub(lambda m: mask_query_code(m[0]), str(text or ""))
    text = redact.ID_NUMBER_RE.sub(lambda m: mask_id_number(m[0]), text)
    return redact.MOBILE_RE.sub(lambda m: mask_phone(m[0]), text)


def mask_recipient(to: str) -> str:
    if "@" in to:
        local, _at, domain = to.rpartition("@")
        return f"{local[:1]}***@{domain}"
    return mask_phone(to)
