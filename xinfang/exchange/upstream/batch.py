"""The offline batch file (离线交换): where the networks do not meet, a clerk
carries the messages across the gap as one signed file.

A zip archive holding
- `messages/NNNNNN-<message id>.json`: each message's JSON, the same bytes the
  HTTPS transport would send, encrypted (Fernet: AES-128-CBC and HMAC-SHA256)
  with a key derived from the peer's shared key: the file carries names, ID
  numbers and phones on a USB stick, and one lost on the way shows nothing;
- `manifest.json`: {"format": "xinfang-upstream-batch/1", "from": <our name at
  the peer>, "to": <the peer's name>, "created_at": ..., "messages": [{"name",
  "message_id", "sha256"}, ...]} in the order they are to be received;
- `manifest.sig`: hex HMAC-SHA256 of manifest.json with the peer's shared key.

Import checks everything before it receives anything: the signature, that the
file is for us, that the archive holds exactly the files the manifest names and
that each has its digest; a file that fails any check is refused whole. Each
message is then received as over HTTPS (inbound.receive), so importing a file
twice changes nothing. Exporting marks the messages delivered (handed to the
clerk); `--all` exports every message to the peer again after a file was lost."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import zipfile
import zlib
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.core.exceptions import DomainError, InvalidInput

from ..models import ExchangeMessage, Peer
from . import inbound, outbound, signing

FORMAT = "xinfang-upstream-batch/2"  # /1 carried the messages in clear
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
State = ExchangeMessage.State


def _cipher(peer: Peer) -> Fernet:
    """The key the members are encrypted with: derived from the shared key (the
    one that signs) for this use alone."""
    derived = hmac.new(peer.key.encode("utf-8"), b"xinfang-upstream-batch/encrypt", "sha256")
    return Fernet(base64.urlsafe_b64encode(derived.digest()))


def export(*, peer: Peer, path, every: bool = False) -> int:
    """Write the peer's waiting messages (every message with `every`) to `path`
    and mark them delivered. Answers how many."""
    messages = ExchangeMessage.objects.filter(peer=peer).select_related("peer", "event")
    if not every:
        messages = messages.filter(state__in=ExchangeMessage.OPEN_STATES)
    messages = list(messages.order_by("petition_id", "seq"))
    entries = []
    cipher = _cipher(peer)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for i, m in enumerate(messages, start=1):
            body = cipher.encrypt(outbound.body_of(m))
            name = f"messages/{i:06d}-{m.pk}.json"
            archive.writestr(name, body)
            entries.append(
                {"name": name, "message_id": str(m.pk), "sha256": hashlib.sha256(body).hexdigest()}
            )
        manifest = json.dumps(
            {
                "format": FORMAT,
                "from": peer.identity,
                "to": peer.name,
                "created_at": timezone.now().isoformat(),
                "messages": entries,
            },
            ensure_ascii=False,
            sort_keys=True,
        ).encode("utf-8")
        archive.writestr(MANIFEST, manifest)
        archive.writestr(SIGNATURE, signing.sign(peer.key, manifest))
    # Only once the file is whole: a failed write marks nothing.
    with transaction.atomic():
        ExchangeMessage.objects.filter(
            pk__in=[m.pk for m in messages], state__in=ExchangeMessage.OPEN_STATES
        ).update(
            state=State.DELIVERED,
            delivered_at=timezone.now(),
            attempts=F("attempts") + 1,
            claimed_at=None,
        )
    return len(messages)


@dataclass
class Imported:
    peer: Peer
    accepted: int = 0
    duplicate: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)  # (message id, why)


def _refuse() -> InvalidInput:
    return InvalidInput(_("The batch file is damaged, altered or not signed by a known peer."))


MAX_MEMBERS = 100_000


def _member(archive: zipfile.ZipFile, name: str, budget: list[int]) -> bytes:
    """A member's bytes, read no further than what is left of the file's budget:
    a member that inflates beyond the size it declares (a zip bomb) stops there."""
    with archive.open(name) as f:
        data = f.read(budget[0] + 1)
    budget[0] -= len(data)
    if budget[0] < 0:
        raise InvalidInput(_("The batch file is too large."))
    return data


def read(path) -> tuple[Peer, list[dict]]:
    """The peer and the messages of a batch file, every check passed (else
    InvalidInput, and nothing read is used)."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, ValueError):
        raise _refuse() from None
    try:
        with archive:
            return _read(archive)
    except (
        zipfile.BadZipFile,  # a damaged member, a wrong CRC
        zlib.error,
        EOFError,
        OSError,
        RuntimeError,  # an encrypted member
        NotImplementedError,  # an unknown compression method
        KeyError,
        TypeError,
        AttributeError,
        ValueError,
        RecursionError,
        UnicodeError,
    ):
        raise _refuse() from None


def _read(archive: zipfile.ZipFile) -> tuple[Peer, list[dict]]:
    infolist = archive.infolist()
    infos = {i.filename: i for i in infolist}
    budget = [settings.XINFANG_EXCHANGE_BATCH_MAX_BYTES]
    if len(infolist) > MAX_MEMBERS or sum(i.file_size for i in infolist) > budget[0]:
        raise InvalidInput(_("The batch file is too large."))
    if len(infos) != len(infolist) or MANIFEST not in infos or SIGNATURE not in infos:
        raise _refuse()  # a name twice: which one would be read?
    manifest = _member(archive, MANIFEST, budget)
    signature = _member(archive, SIGNATURE, budget).decode("ascii", "replace").strip()
    if not signing.SIGNATURE_RE.fullmatch(signature):
        raise _refuse()
    try:
        data = json.loads(manifest)
    except ValueError:
        raise _refuse() from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _refuse()
    peer = Peer.objects.filter(name=str(data.get("from", "")), is_active=True).first()
    if (
        peer is None
        or len(peer.key or "") < 32
        or not hmac.compare_digest(signing.sign(peer.key, manifest), signature.lower())
    ):
        raise _refuse()
    if data.get("to") != peer.identity:
        raise InvalidInput(_("The batch file is meant for another system."))
    entries = data.get("messages") or []
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("name"), str) for e in entries
    ):
        raise _refuse()
    names = [e["name"] for e in entries]
    if len(set(names)) != len(names) or set(names) | {MANIFEST, SIGNATURE} != set(infos):
        raise _refuse()
    messages = []
    cipher = _cipher(peer)
    for entry in entries:
        body = _member(archive, entry["name"], budget)
        if not hmac.compare_digest(
            hashlib.sha256(body).hexdigest().encode(), str(entry.get("sha256")).encode()
        ):
            raise _refuse()
        try:
            message = json.loads(cipher.decrypt(body))
        except (InvalidToken, ValueError):
            raise _refuse() from None
        if not isinstance(message, dict) or message.get("message_id") != entry.get("message_id"):
            raise _refuse()
        messages.append(message)
    return peer, messages


def import_file(path) -> Imported:
    """Receive every message of a checked batch file, in its order. A message
    whose content is refused (an unknown place) is listed and the others go on;
    importing the file again receives only what was refused before."""
    peer, messages = read(path)
    result = Imported(peer=peer)
    for message in messages:
        try:
            outcome = inbound.receive(peer=peer, message=message, via="batch")
        except DomainError as exc:
            fields = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in exc.field_errors.items())
            result.refused.append((str(message.get("message_id")), fields or str(exc.message)))
            continue
        if outcome.status == "duplicate":
            result.duplicate += 1
        else:
            result.accepted += 1
    return result
