"""Notifications to petitioners and staff by SMS or e-mail.

Everyone calls `send(...)`. Which gateway carries the message is a deployment
choice: settings.XINFANG_NOTIFY_SENDER (both channels) and XINFANG_SMS_SENDER
(SMS only; env SMS_SENDER), each "log" or a dotted path to a class with a `send`
method. The default, "log" (LogSender), only writes to the log, since every
province has its own SMS gateway and many intranets have no outgoing mail.

`send` answers a Delivery that says what really happened: `.sent` is True only
when a real gateway took the message, so a page never tells a petitioner "we
have sent you an SMS" when it was only written to a log (`will_deliver(channel)`
answers the same before the message goes, for a page rendered before the commit).
A sender says it only logs with a class attribute `delivers = False`.

Nothing is logged in clear that would let a reader act as the petitioner: query
codes (credentials), phone and ID numbers are masked in every log line.

A notification is a courtesy on top of the record: the dated notices themselves
are in the matter's timeline. So a failing gateway is logged and never raised
to the caller -- it must not roll back an acceptance or a reply."""

import logging
import threading
from dataclasses import dataclass
from functools import cache
from typing import ClassVar, Protocol

from django.conf import settings
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
    def send(self, *, channel: str, to: str, subject: str, body: str) -> None: ...


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

    def send(self, *, channel: str, to: str, subject: str, body: str) -> None:
        message = Message(channel=channel, to=to, subject=subject, body=body)
        with LogSender._lock:
            LogSender.outbox.append(message)
            del LogSender.outbox[: -LogSender.OUTBOX_SIZE]
        if settings.DEBUG:
            logger.info(
                "%s to %s: %s | %s",
                channel,
                _mask_recipient(to),
                mask_secrets(subject),
                mask_secrets(body),
            )
        else:
            logger.info(
                "%s to %s: %s (%d characters)",
                channel,
                _mask_recipient(to),
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


def send(*, channel: str, to: str, subject: str, body: str) -> Delivery:
    """Hand one message to the configured sender. Never raises: a message that
    was not accepted for any reason gives a log line and Delivery(accepted=False).
    `.sent` tells whether it really left (see the module's docstring).

    Call it after the transaction commits (transaction.on_commit), so that a
    rolled-back transition sends nothing."""
    refused = Delivery(channel=channel, accepted=False, sent=False)
    if channel not in CHANNELS:
        logger.error("Not sent: unknown channel %r (subject %r).", channel, mask_secrets(subject))
        return refused
    if not to:
        logger.warning("Not sent: no %s recipient (subject %r).", channel, mask_secrets(subject))
        return refused
    try:
        sender = get_sender(channel)
        sender.send(channel=channel, to=to, subject=subject, body=body)
    except Exception:
        # Includes a misconfigured sender setting: loud in the log, but the
        # caller's transition stands.
        logger.exception(
            "Not sent: %s to %s (subject %r).", channel, _mask_recipient(to), mask_secrets(subject)
        )
        return refused
    return Delivery(channel=channel, accepted=True, sent=bool(getattr(sender, "delivers", True)))


def send_to_administrators(*, subject: str, body: str) -> int:
    """E-mail every active superuser who has an address (after the commit, as
    `send` asks). Returns how many were handed to the sender."""
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


def _mask_recipient(to: str) -> str:
    if "@" in to:
        local, _at, domain = to.rpartition("@")
        return f"{local[:1]}***@{domain}"
    return mask_phone(to)
