"""Attachments a petitioner or clerk uploads: photos of the problem, scans of
letters and decisions.

The type is decided from the content (puremagic on the first bytes), never from
the file name or the browser's Content-Type, both of which the sender chooses:
a "photo.jpg" that is really a Windows program or an HTML page is refused. The
stored name gets the extension of the detected type, so a download can never be
opened as something other than what was checked."""

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass

import puremagic
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .exceptions import InvalidInput

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
# A whole request (every file and field together). Five ordinary phone photos
# (3-5 MB each) fit; a request above it is refused by its Content-Length before
# it is read (core.middleware.RequestGuardMiddleware).
MAX_REQUEST_BYTES = 25 * 1024 * 1024
HEAD_BYTES = 8 * 1024
FIELD = "attachments"


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str  # canonical, no dot
    extensions: frozenset[str]  # what puremagic may call it, and names kept as given

    def confirms(self, head: bytes) -> bool:
        """Our own check of the leading signature, after puremagic's verdict.

        puremagic's table has loose entries (any RIFF container is also listed as
        WebP, JPEG 2000 as image/jpeg); this makes acceptance depend only on the
        few signatures below."""
        match self.extension:
            case "jpg":
                return head.startswith(b"\xff\xd8\xff")
            case "png":
                return head.startswith(b"\x89PNG\r\n\x1a\n")
            case "gif":
                return head.startswith((b"GIF87a", b"GIF89a"))
            case "webp":
                return head.startswith(b"RIFF") and head[8:12] == b"WEBP"
            case "heic":
                return _heif_brand(head) is not None
            case "pdf":
                return head.lstrip(b"\r\n\t ").startswith(b"%PDF-")
        return False


ALLOWED_TYPES: dict[str, FileKind] = {
    "image/jpeg": FileKind("image/jpeg", "jpg", frozenset({"jpg", "jpeg", "jpe", "jfif"})),
    "image/png": FileKind("image/png", "png", frozenset({"png"})),
    "image/gif": FileKind("image/gif", "gif", frozenset({"gif"})),
    "image/webp": FileKind("image/webp", "webp", frozenset({"webp"})),
    "image/heic": FileKind("image/heic", "heic", frozenset({"heic", "heif"})),
    "application/pdf": FileKind("application/pdf", "pdf", frozenset({"pdf"})),
}
_BY_EXTENSION = {ext: kind for kind in ALLOWED_TYPES.values() for ext in kind.extensions}

# ISO base media file brands of HEIF stills as phones write them. puremagic knows
# the "heic"-family major brands; Samsung and others write major brand "mif1"
# with "heic" among the compatible brands, which it does not recognise.
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"})
_HEIF_GENERIC_BRANDS = frozenset({b"mif1", b"msf1"})


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # sanitised original name, extension matching the content
    content_type: str
    extension: str  # no dot: "jpg", "png", "pdf", ...
    size: int
    sha256: str


def max_file_bytes() -> int:
    return int(getattr(settings, "XINFANG_UPLOAD_MAX_BYTES", MAX_FILE_BYTES))


def max_files() -> int:
    return int(getattr(settings, "XINFANG_UPLOAD_MAX_FILES", MAX_FILES))


def request_max_bytes() -> int:
    return int(getattr(settings, "XINFANG_REQUEST_MAX_BYTES", MAX_REQUEST_BYTES))


def check_upload(f) -> CheckedUpload:
    """Check one uploaded file (Django UploadedFile, or any file-like object with
    .name, .read and .seek; .size is used when present). The file is left at
    position 0 for saving. Raises InvalidInput on the "attachments" field."""
    shown_name = _display_name(getattr(f, "name", ""))
    limit = max_file_bytes()
    declared = getattr(f, "size", None)
    if declared is not None and declared > limit:
        raise _refuse(_too_large(shown_name, limit))

    f.seek(0)
    digest = hashlib.sha256()
    head = b""
    size = 0
    # Read in pieces: the declared size comes from the client for some file-likes,
    # so the limit is enforced on the bytes actually read.
    while chunk := f.read(64 * 1024):
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
        size += len(chunk)
        if size > limit:
            f.seek(0)
            raise _refuse(_too_large(shown_name, limit))
        digest.update(chunk)
    f.seek(0)

    if size == 0:
        raise _refuse(_("“%(name)s” is empty.") % {"name": shown_name})
    kind = detect_kind(head)
    if kind is None:
        raise _refuse(
            _("“%(name)s” is not an accepted kind of file. %(limits)s")
            % {"name": shown_name, "limits": limits_text()}
        )
    return CheckedUpload(
        name=sanitise_name(getattr(f, "name", ""), kind),
        content_type=kind.content_type,
        extension=kind.extension,
        size=size,
        sha256=digest.hexdigest(),
    )


def check_uploads(files: list) -> list[CheckedUpload]:
    """Check a whole submission: at most max_files() files, each checked."""
    files = list(files)
    limit = max_files()
    if len(files) > limit:
        raise _refuse(
            ngettext_lazy(
                "Too many files: at most %(count)d file may be attached.",
                "Too many files: at most %(count)d files may be attached.",
                "count",
            )
            % {"count": limit}
        )
    return [check_upload(f) for f in files]


def detect_kind(head: bytes) -> FileKind | None:
    """The allowed kind the leading bytes show, or None.

    Only puremagic's best-ranked guesses count: a weaker match further down its
    list (say "RIFF, so perhaps WebP" for a WAV file) does not make a file
    acceptable."""
    try:
        matches = puremagic.magic_string(head)
    except puremagic.PureError:
        matches = []
    if matches:
        best = max(m.confidence for m in matches)
        for match in matches:
            if match.confidence < best:
                continue
            kind = _BY_EXTENSION.get(match.extension.lstrip(".").lower())
            if kind is not None and kind.confirms(head):
                return kind
    if _heif_brand(head) is not None:
        return ALLOWED_TYPES["image/heic"]
    return None


def _heif_brand(head: bytes) -> bytes | None:
    """The HEIC brand of an ISO-BMFF "ftyp" box, or None if it is not a HEIC still."""
    if head[4:8] != b"ftyp":
        return None
    box_size = int.from_bytes(head[0:4], "big")
    if box_size < 16 or box_size > len(head):
        return None
    major = head[8:12]
    if major in _HEIC_BRANDS:
        return major
    compatible = {head[i : i + 4] for i in range(16, box_size - 3, 4)}
    if major in _HEIF_GENERIC_BRANDS and compatible & _HEIC_BRANDS:
        return major
    return None


# --- Names --------------------------------------------------------------------

_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_NAME_MAX = 100
_LOOKS_LIKE_EXTENSION = re.compile(r"[A-Za-z0-9]{1,5}")


def _base_name(name: str) -> str:
    # Old IE and some mobile browsers send the whole client path.
    return re.split(r"[/\\]", str(name or ""))[-1]


def _display_name(name: str) -> str:
    """The name as given, made safe to repeat in an error message."""
    return _UNSAFE_IN_NAME.sub("_", _base_name(name))[:_NAME_MAX] or "?"


def sanitise_name(name: str, kind: FileKind) -> str:
    """A name safe to store and to send back in Content-Disposition: no path,
    no control or reserved characters, no leading dot, at most 100 characters,
    and an extension that matches the detected content ("x.pdf" holding a PNG
    becomes "x.png"). Chinese characters are kept."""
    base = unicodedata.normalize("NFC", _base_name(name))
    base = _UNSAFE_IN_NAME.sub("_", base).strip().lstrip(".").strip()
    stem, dot_ext = os.path.splitext(base)
    extension = dot_ext.lstrip(".")
    if extension.lower() not in kind.extensions:
        # A wrong extension ("x.pdf" for a PNG) is replaced; anything that does
        # not look like one ("v1.final version") stays part of the name.
        if not _LOOKS_LIKE_EXTENSION.fullmatch(extension):
            stem = base
        extension = kind.extension
    stem = stem.strip() or "attachment"
    return stem[: _NAME_MAX - len(extension) - 1] + "." + extension


# --- Messages -----------------------------------------------------------------


def _megabytes(size: int) -> str:
    mb = size / (1024 * 1024)
    return f"{mb:g} MB" if mb >= 1 else f"{size // 1024} KB"


def too_large_message():
    """Why a request over request_max_bytes() is refused."""
    return _(
        "The request is too large: at most %(limit)s may be sent at once, each file "
        "at most %(file_limit)s. Send fewer or smaller files."
    ) % {"limit": _megabytes(request_max_bytes()), "file_limit": _megabytes(max_file_bytes())}


def text_too_large_message():
    """Why a request whose text (form fields or JSON, files aside) is over Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE is refused."""
    return _("The text of the request is too long: at most %(limit)s, files aside.") % {
        "limit": _megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    }


def _too_large(name: str, limit: int):
    return _("“%(name)s” is too large: each file may be at most %(limit)s.") % {
        "name": name,
        "limit": _megabytes(limit),
    }


def _refuse(message) -> InvalidInput:
    return InvalidInput(field_errors={FIELD: [message]})


def _limits_text() -> str:
    count = max_files()
    return ngettext_lazy(
        "Up to %(count)d file, at most %(limit)s: photos (JPG, PNG, WEBP, GIF, HEIC) or PDF.",
        "Up to %(count)d files, each at most %(limit)s: photos (JPG, PNG, WEBP, GIF, HEIC) or PDF.",
        "count",
    ) % {"count": count, "limit": _megabytes(max_file_bytes())}


_limits_text_lazy = lazy(_limits_text, str)


def limits_text():
    """The rule for forms and error messages: "Up to 5 files, each at most 10 MB:
    photos (JPG, PNG, WEBP, GIF, HEIC) or PDF." Lazy, so it is safe as a form
    field's help_text: language and settings are read when it is shown."""
    return _limits_text_lazy()
