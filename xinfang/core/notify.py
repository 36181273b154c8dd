"""Notifications to petitioners and staff by SMS or e-mail.

Everyone calls `send(...)`. Which gateway carries the message is a deployment
choice (settings.XINFANG_NOTIFY_SENDER, a dotted path to a class with a `send`
method); the default, LogSender, only writes to the log, since every province
has its own SMS gateway and many intranets have no outgoing mail.

A notification is a courtesy on top of the record: the dated notices themselves
are in the matter's timeline. So a failing gateway is logged and never raised
to the caller -- it must not roll back an acceptance or a reply."""

import logging
import threading
from dataclasses import dataclass
from functools import cache
from typing import ClassVar, Protocol

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.module_loading import import_string

from .pii import mask_phone

logger = logging.getLogger("xinfang.notify")

CHANNELS = frozenset({"sms", "email"})
DEFAULT_SENDER = "xinfang.core.notify.LogSender"


class Sender(Protocol):
    def send(self, *, channel: str, to: str, subject: str, body: str) -> None: ...


@dataclass(frozen=True)
class Message:
    channel: str
    to: str
    subject: str
    body: str


class LogSender:
    """Writes one INFO line per message and keeps the last OUTBOX_SIZE messages in
    `LogSender.outbox` (for tests and the development server).

    The log line masks the recipient, and carries the body only with DEBUG on:
    bodies hold query codes, which are credentials, and logs travel further than
    the database."""

    OUTBOX_SIZE: ClassVar[int] = 1000
    outbox: ClassVar[list[Message]] = []
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def send(self, *, channel: str, to: str, subject: str, body: str) -> None:
        message = Message(channel=channel, to=to, subject=subject, body=body)
        with LogSender._lock:
            LogSender.outbox.append(message)
            del LogSender.outbox[: -LogSender.OUTBOX_SIZE]
        if settings.DEBUG:
            logger.info("%s to %s: %s | %s", channel, _mask_recipient(to), subject, body)
        else:
            logger.info(
                "%s to %s: %s (%d characters)", channel, _mask_recipient(to), subject, len(body)
            )


def get_sender() -> Sender:
    """The configured sender; one instance per dotted path, built on first use."""
    return _load_sender(getattr(settings, "XINFANG_NOTIFY_SENDER", DEFAULT_SENDER))


@cache
def _load_sender(path: str) -> Sender:
    return import_string(path)()


def send(*, channel: str, to: str, subject: str, body: str) -> bool:
    """Hand one message to the configured sender. True if it was accepted;
    False (and a log line) if it was not sent for any reason. Never raises.

    Call it after the transaction commits (transaction.on_commit), so that a
    rolled-back transition sends nothing."""
    if channel not in CHANNELS:
        logger.error("Not sent: unknown channel %r (subject %r).", channel, subject)
        return False
    if not to:
        logger.warning("Not sent: no %s recipient (subject %r).", channel, subject)
        return False
    try:
        get_sender().send(channel=channel, to=to, subject=subject, body=body)
    except Exception:
        # Includes a misconfigured XINFANG_NOTIFY_SENDER: loud in the log, but the
        # caller's transition stands.
        logger.exception("Not sent: %s to %s (subject %r).", channel, _mask_recipient(to), subject)
        return False
    return True


def send_to_administrators(*, subject: str, body: str) -> int:
    """E-mail every active superuser who has an address (after the commit, as
    `send` asks). Returns how many were handed to the sender."""
    admins = (
        get_user_model()
        .objects.filter(is_superuser=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    sent = sum(send(channel="email", to=to, subject=subject, body=body) for to in admins)
    if not sent:
        logger.warning("No administrator with an e-mail address to tell: %s", subject)
    return sent


def _mask_recipient(to: str) -> str:
    if "@" in to:
        local, _at, domain = to.rpartition("@")
        return f"{local[:1]}***@{domain}"
    return mask_phone(to)
