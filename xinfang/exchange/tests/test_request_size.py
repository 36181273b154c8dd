"""Uploads up to the documented limits are accepted on every way in (the public
API, the portal's form, the clerk's form); a larger request is refused with a
400 by its Content-Length, before a byte of it is read."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from xinfang.petitions.models import Attachment, Petition
from xinfang.petitions.tests.fixtures import VALID_ID

from .helpers import STAFF_TODAY, public_form_data, staff_form_data

MB = 1024 * 1024


def phone_photo(size: int = 5 * MB, name: str = "IMG_0001.jpg") -> SimpleUploadedFile:
    """A JPEG of an ordinary phone photo's size (the start of a real JFIF header)."""
    head = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return SimpleUploadedFile(name, head + b"\x5a" * (size - len(head) - 2) + b"\xff\xd9")


class UnreadBody:
    """A request body that records any attempt to read it."""

    def __init__(self):
        self.reads = 0

    def read(self, *args):
        self.reads += 1
        raise AssertionError("the oversized body was read")

    readline = read


def post_oversized(client, path: str, content_type: str, **extra):
    """POST that announces a 50 MB body; the body itself is never there to read."""
    body = UnreadBody()
    response = client.generic(
        "POST",
        path,
        b"",
        content_type=content_type,
        CONTENT_LENGTH=str(50 * MB),
        **{"wsgi.input": body},
        **extra,
    )
    return response, body


def api_submission(category, place, **over):
    data = {
        "purpose": "appeal",
        "category": category.pk,
        "place": place.pk,
        "summary": "路面塌陷",
        "content": "村口道路塌陷，照片附后。",
        "petitioners": json.dumps(
            [{"name": "王大", "id_number": VALID_ID, "phone": "13812345678"}]
        ),
        "consent": "true",
    }
    data.update(over)
    return data


def test_a_5_mb_phone_photo_is_accepted_by_the_api(demo_tree, category, village_a):
    # Over FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) the upload is a temporary file on
    # disk; copying request.data then failed with a 500.
    r = APIClient().post(
        "/api/v1/public/petitions",
        {**api_submission(category, village_a), "attachments": [phone_photo()]},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="photo-5mb",
    )

    assert r.status_code == 201, r.content
    attachment = Attachment.objects.get(petition__number=r.json()["number"])
    assert attachment.size == 5 * MB and attachment.content_type == "image/jpeg"
    assert attachment.file.size == 5 * MB


def test_two_5_mb_photos_fit_one_request(demo_tree, category, village_a):
    photos = [phone_photo(name="a.jpg"), phone_photo(name="b.jpg")]
    r = APIClient().post(
        "/api/v1/public/petitions",
        {**api_submission(category, village_a), "attachments": photos},
        format="multipart",
    )

    assert r.status_code == 201, r.content
    assert Attachment.objects.count() == 2


def test_a_file_over_the_per_file_limit_is_a_400_naming_it(demo_tree, category, village_a):
    big = phone_photo(size=11 * MB, name="big.jpg")
    r = APIClient().post(
        "/api/v1/public/petitions",
        {**api_submission(category, village_a), "attachments": [big]},
        format="multipart",
        HTTP_COOKIE="django_language=en",
    )

    assert r.status_code == 400
    assert "“big.jpg” is too large" in r.json()["errors"]["attachments"][0]
    assert Petition.objects.count() == 0


def test_a_50_mb_body_is_refused_by_the_api_before_it_is_read(demo_tree):
    r, body = post_oversized(
        APIClient(),
        "/api/v1/public/petitions",
        "multipart/form-data; boundary=x",
        HTTP_IDEMPOTENCY_KEY="huge",
    )

    assert r.status_code == 400 and body.reads == 0
    answer = r.json()
    assert answer["code"] == "InvalidInput" and "body" in answer["errors"]
    # Chinese by default, naming the limits.
    assert "25 MB" in answer["detail"] and "10 MB" in answer["detail"]
    assert "过大" in answer["detail"]
    assert Petition.objects.count() == 0


def test_a_whole_50_mb_upload_is_refused(demo_tree, category, village_a):
    # The same with the real bytes, as a client that does not stop would send them.
    r = APIClient().post(
        "/api/v1/public/petitions",
        {
            **api_submission(category, village_a),
            "attachments": [phone_photo(size=9 * MB, name=f"{i}.jpg") for i in range(6)],
        },
        format="multipart",
    )

    assert r.status_code == 400 and "body" in r.json()["errors"]
    assert Petition.objects.count() == 0


def test_the_portal_form_takes_a_5_mb_photo(client, demo_tree, category, village_a):
    data = {**public_form_data(category, village_a), "attachments": [phone_photo()]}

    r = client.post(reverse("portal:submit"), data)

    assert r.status_code == 200, r.content.decode()[:2000]
    p = Petition.objects.get()
    assert p.attachments.get().size == 5 * MB
    assert p.number in r.content.decode()  # the receipt, in answer to the POST


def test_the_portal_form_refuses_a_50_mb_body_before_reading_it(client, demo_tree):
    r, body = post_oversized(client, reverse("portal:submit"), "multipart/form-data; boundary=x")

    assert r.status_code == 400 and body.reads == 0
    page = r.content.decode()
    assert "请求过大" in page and "25 MB" in page
    assert Petition.objects.count() == 0


def test_the_clerks_form_takes_a_5_mb_photo(people, client, travel, category, village_a):
    travel(STAFF_TODAY)
    client.force_login(people["clerk"])
    data = {**staff_form_data(category, village_a), "attachments": [phone_photo()]}

    r = client.post(reverse("petitions:register"), data)

    assert r.status_code == 302
    assert Petition.objects.get().attachments.get().size == 5 * MB


def test_the_clerks_form_refuses_a_50_mb_body_before_reading_it(people, client):
    client.force_login(people["clerk"])
    r, body = post_oversized(
        client, reverse("petitions:register"), "multipart/form-data; boundary=x"
    )

    assert r.status_code == 400 and body.reads == 0
    assert "请求过大" in r.content.decode()
    assert Petition.objects.count() == 0


def test_the_request_limit_is_a_setting(settings, demo_tree):
    settings.XINFANG_REQUEST_MAX_BYTES = 1 * MB
    r, body = post_oversized(APIClient(), "/api/v1/public/petitions", "application/json")
    assert r.status_code == 400 and body.reads == 0
    assert "最多可提交 1 MB" in r.json()["errors"]["body"][0]
    small = APIClient().post("/api/v1/public/petitions", {}, format="json")
    assert small.status_code == 400 and "body" not in small.json()["errors"]


def test_json_over_the_text_limit_is_a_400_saying_so(demo_tree):
    big = json.dumps({"summary": "长" * (3 * MB)})
    r = APIClient().post("/api/v1/public/petitions", big, content_type="application/json")
    assert r.status_code == 400 and "文字内容过长" in r.json()["errors"]["body"][0]
