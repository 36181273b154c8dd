import hashlib
import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from xinfang.core.exceptions import InvalidInput
from xinfang.core.uploads import (
    ALLOWED_TYPES,
    MAX_FILE_BYTES,
    MAX_FILES,
    check_upload,
    check_uploads,
    limits_text,
)


@pytest.fixture(autouse=True)
def in_english():
    """These tests read the (English) source messages; Chinese is checked elsewhere."""

    with translation.override("en"):
        yield


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


# Real, minimal files: a 1×1 PNG, GIF and lossless WebP, a JFIF JPEG header, a PDF.
PNG = (
    b"\x89PNG\r\n\x1a\n"
    + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    + _png_chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
    + _png_chunk(b"IEND", b"")
)
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\x00" * 64
    + b"\xff\xd9"
)
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
HEIF_MIF1 = b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic" + b"\x00" * 64
AVIF = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# A Windows program: DOS header whose e_lfanew points at the "PE\0\0" header.
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8"
    + b"\x00" * 43
    + struct.pack("<I", 0x80)
    + b"\x0e\x1f\xba\x0e\x00\xb4\t\xcd!\xb8\x01L\xcd!This program cannot be run in DOS mode.\r\r\n$"
    + b"\x00" * 7
    + b"PE\x00\x00\x64\x86"
    + b"\x00" * 200
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
WAV = b"RIFF$\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00D\xac\x00\x00\x88X\x01\x00\x02\x00\x10\x00data\x00\x00\x00\x00"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 60
JPEG_AS_TEXT = b"\\377\\330\\377 is how od prints a JPEG header"


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def refusal(error: InvalidInput) -> str:
    assert list(error.field_errors) == ["attachments"]
    with translation.override("en"):
        return str(error.field_errors["attachments"][0])


@pytest.mark.parametrize(
    ("content", "content_type", "extension"),
    [
        (JPEG, "image/jpeg", "jpg"),
        (PNG, "image/png", "png"),
        (GIF, "image/gif", "gif"),
        (WEBP, "image/webp", "webp"),
        (HEIC, "image/heic", "heic"),
        (HEIF_MIF1, "image/heic", "heic"),
        (PDF, "application/pdf", "pdf"),
    ],
)
def test_an_allowed_file_is_accepted_with_its_detected_type(content, content_type, extension):
    checked = check_upload(upload("scan", content, content_type="application/octet-stream"))
    assert checked.content_type == content_type
    assert checked.extension == extension
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.name == f"scan.{extension}"


def test_every_allowed_type_has_been_tried_above():
    assert set(ALLOWED_TYPES) == {
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "image/heic",
        "application/pdf",
    }


def test_a_windows_program_named_as_a_photo_is_refused():
    with pytest.raises(InvalidInput) as caught:
        check_upload(upload("photo.jpg", EXE, content_type="image/jpeg"))
    message = refusal(caught.value)
    assert "photo.jpg" in message
    assert "not an accepted kind of file" in message
    assert "JPG" in message and "PDF" in message and "10 MB" in message


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.jpg", HTML),
        ("photo.png", SVG),
        ("photo.webp", WAV),  # RIFF, like WebP, but not WebP
        ("photo.heic", AVIF),
        ("letter.pdf", ZIP),
        ("photo.jpg", JPEG_AS_TEXT),
        ("notes.jpg", b"plain text, nothing else"),
    ],
)
def test_content_that_is_not_an_allowed_type_is_refused_whatever_its_name(name, content):
    with pytest.raises(InvalidInput) as caught:
        check_upload(upload(name, content))
    assert "not an accepted kind of file" in refusal(caught.value)


def test_a_png_named_pdf_is_accepted_as_png_and_renamed():
    checked = check_upload(upload("x.pdf", PNG, content_type="application/pdf"))
    assert checked.content_type == "image/png"
    assert checked.extension == "png"
    assert checked.name == "x.png"


def test_a_name_with_a_matching_extension_is_kept_as_given():
    assert check_upload(upload("现场照片.JPEG", JPEG)).name == "现场照片.JPEG"


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("C:\\Users\\张三\\Desktop\\照片.png", "照片.png"),
        ("../../etc/passwd", "passwd.png"),
        (".htaccess", "htaccess.png"),
        ('a<b>:"c"|?*.png', "a_b___c____.png"),
        ("new\nline.png", "new_line.png"),
        ("", "attachment.png"),
        ("scan.exe", "scan.png"),
        ("v1.final version", "v1.final version.png"),
        ("x" * 300 + ".png", "x" * 96 + ".png"),
    ],
)
def test_the_stored_name_is_sanitised(given, stored):
    f = io.BytesIO(PNG)
    f.name = given
    assert check_upload(f).name == stored


def test_the_file_is_left_at_the_start_for_saving():
    f = upload("a.png", PNG)
    check_upload(f)
    assert f.read() == PNG


def test_a_file_may_be_exactly_the_limit():
    content = PNG + b"\x00" * (MAX_FILE_BYTES - len(PNG))
    assert check_upload(upload("big.png", content)).size == MAX_FILE_BYTES


def test_a_file_over_the_limit_is_refused():
    content = PNG + b"\x00" * (MAX_FILE_BYTES + 1 - len(PNG))
    with pytest.raises(InvalidInput) as caught:
        check_upload(upload("big.png", content))
    assert refusal(caught.value) == "“big.png” is too large: each file may be at most 10 MB."


def test_the_limit_is_enforced_on_the_bytes_read_not_the_size_declared(settings):
    settings.XINFANG_UPLOAD_MAX_BYTES = 1024
    f = io.BytesIO(PNG + b"\x00" * 2048)
    f.name = "liar.png"
    f.size = 10
    with pytest.raises(InvalidInput) as caught:
        check_upload(f)
    assert "at most 1 KB" in refusal(caught.value)


def test_the_size_limit_follows_the_setting(settings):
    settings.XINFANG_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    content = PNG + b"\x00" * (2 * 1024 * 1024)
    with pytest.raises(InvalidInput) as caught:
        check_upload(upload("big.png", content))
    assert "at most 2 MB" in refusal(caught.value)


def test_an_empty_file_is_refused():
    with pytest.raises(InvalidInput) as caught:
        check_upload(upload("empty.jpg", b""))
    assert refusal(caught.value) == "“empty.jpg” is empty."


def test_up_to_the_maximum_number_of_files_is_accepted():
    checked = check_uploads([upload(f"{i}.png", PNG) for i in range(MAX_FILES)])
    assert [c.name for c in checked] == [f"{i}.png" for i in range(MAX_FILES)]


def test_more_files_than_the_maximum_are_refused():
    with pytest.raises(InvalidInput) as caught:
        check_uploads([upload(f"{i}.png", PNG) for i in range(MAX_FILES + 1)])
    assert refusal(caught.value) == "Too many files: at most 5 files may be attached."


def test_the_number_of_files_follows_the_setting(settings):
    settings.XINFANG_UPLOAD_MAX_FILES = 1
    with pytest.raises(InvalidInput) as caught:
        check_uploads([upload("a.png", PNG), upload("b.png", PNG)])
    assert refusal(caught.value) == "Too many files: at most 1 file may be attached."


def test_one_bad_file_refuses_the_whole_submission():
    with pytest.raises(InvalidInput):
        check_uploads([upload("a.png", PNG), upload("b.jpg", EXE)])


def test_the_limits_are_stated_for_forms():
    with translation.override("en"):
        assert str(limits_text()) == (
            "Up to 5 files, each at most 10 MB: photos (JPG, PNG, WEBP, GIF, HEIC) or PDF."
        )


def test_the_stated_limits_follow_the_settings_when_shown_not_when_made(settings):
    text = limits_text()
    settings.XINFANG_UPLOAD_MAX_FILES = 3
    settings.XINFANG_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    with translation.override("en"):
        assert str(text).startswith("Up to 3 files, each at most 5 MB:")
