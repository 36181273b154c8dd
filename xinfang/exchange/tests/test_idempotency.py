"""Idempotency keys belong to their client and their request (core.idempotency):
the same key and body replay the first answer; the same key with another body is
a 409 that gives nothing of the first matter away; a key expires after
IDEMPOTENCY_KEY_HOURS (24) and can then make a new matter."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from xinfang.core.querycode import format_query_code
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.fixtures import VALID_ID, VALID_ID_2

from .helpers import STAFF_TODAY, public_form_data, staff_form_data

URL = "/api/v1/public/petitions"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64


def body(category, place, **over):
    data = {
        "purpose": "appeal",
        "category": category.pk,
        "place": place.pk,
        "summary": "拖欠工资",
        "content": "某工地拖欠我工资两万元。",
        "petitioners": [{"name": "王大", "id_number": VALID_ID, "phone": "13812345678"}],
        "consent": True,
    }
    data.update(over)
    return data


def send(data, key, client=None, **extra):
    return (client or APIClient()).post(URL, data, format="json", HTTP_IDEMPOTENCY_KEY=key, **extra)


@pytest.fixture
def first(demo_tree, category, village_a, travel):
    travel("2026-09-16")
    r = send(body(category, village_a), "shared-key-1")
    assert r.status_code == 201
    return r


def test_another_client_with_the_same_key_and_another_body_gets_a_409_and_nothing_else(
    first, category, village_a
):
    theirs = body(
        category,
        village_a,
        summary="别的事",
        petitioners=[{"name": "李四", "id_number": VALID_ID_2}],
    )

    r = send(theirs, "shared-key-1")

    assert r.status_code == 409
    answer = r.json()
    assert answer["code"] == "IdempotencyKeyReused" and set(answer) == {"detail", "code"}
    mine = first.json()
    assert mine["number"] not in r.content.decode()
    assert mine["query_code"] not in r.content.decode()
    assert mine["query_code"].replace("-", "") not in r.content.decode()
    assert Petition.objects.count() == 1


def test_the_same_client_retrying_the_same_body_gets_the_same_matter(first, category, village_a):
    r = send(body(category, village_a), "shared-key-1")

    assert r.status_code == 200 and r["Idempotent-Replayed"] == "true"
    assert r.json() == first.json()
    assert Petition.objects.count() == 1


def test_a_body_that_differs_in_one_field_is_another_request(first, category, village_a):
    r = send(body(category, village_a, content="某工地拖欠我工资三万元。"), "shared-key-1")
    assert r.status_code == 409 and Petition.objects.count() == 1


def test_the_key_is_in_force_for_24_hours_then_makes_a_new_matter(
    first, category, village_a, travel
):
    travel("2026-09-17", hour=8)  # 23 hours on: still the first matter
    assert send(body(category, village_a), "shared-key-1").json() == first.json()

    travel("2026-09-17", hour=10)  # 25 hours on: the key is free again
    other = body(category, village_a, summary="另一件事")
    r = send(other, "shared-key-1")

    assert r.status_code == 201
    assert r.json()["number"] != first.json()["number"]
    assert Petition.objects.count() == 2
    # The new matter now owns the key; the old one keeps no key.
    assert send(other, "shared-key-1").json() == r.json()
    old = Petition.objects.get(number=first.json()["number"])
    assert old.idempotency_key is None


def test_the_hours_are_a_setting(first, category, village_a, travel, settings):
    settings.IDEMPOTENCY_KEY_HOURS = 1
    travel("2026-09-16", hour=11)
    assert send(body(category, village_a), "shared-key-1").status_code == 201


def test_a_multipart_retry_with_the_same_photo_is_the_same_request(demo_tree, category, village_a):
    def multipart(photo: bytes):
        data = body(category, village_a)
        data["petitioners"] = json.dumps(data["petitioners"])
        data["attachments"] = [SimpleUploadedFile("p.jpg", photo)]
        return APIClient().post(URL, data, format="multipart", HTTP_IDEMPOTENCY_KEY="mp-1")

    created = multipart(JPEG)
    again = multipart(JPEG)
    other_photo = multipart(JPEG + b"\x01")

    assert created.status_code == 201
    assert again.status_code == 200 and again.json() == created.json()
    assert other_photo.status_code == 409


@pytest.mark.parametrize("key", ["x" * 65, "has space", "中文键"])
def test_a_malformed_key_is_a_400(demo_tree, category, village_a, key):
    r = APIClient().post(
        URL, body(category, village_a), format="json", headers={"Idempotency-Key": key}
    )
    assert r.status_code == 400 and "Idempotency-Key" in r.json()["errors"]
    assert Petition.objects.count() == 0


def test_a_409_in_english(first, category, village_a):
    c = APIClient()
    c.cookies["django_language"] = "en"
    r = send(body(category, village_a, summary="x"), "shared-key-1", client=c)
    assert r.json()["detail"].startswith("This idempotency key was already used")


# --- the portal's and the clerk's forms ---------------------------------------------


def test_the_portal_token_sent_again_with_other_content_is_refused_with_a_new_token(
    client, demo_tree, category, village_a
):
    data = public_form_data(category, village_a)
    receipt = client.post(reverse("portal:submit"), data)
    p = Petition.objects.get()
    assert receipt.status_code == 200 and p.number in receipt.content.decode()
    other = type(client)()  # another browser

    r = other.post(reverse("portal:submit"), {**data, "summary": "另一件事", "p-0-name": "李四"})

    assert r.status_code == 409 and Petition.objects.count() == 1
    page = r.content.decode()
    assert "此表单已用不同内容提交过" in page and p.number not in page
    assert format_query_code(p.query_code) not in page and p.query_code not in page
    assert data["submission_token"] not in page  # a new token, to send it as a new matter
    resent = other.post(
        reverse("portal:submit"),
        {
            **data,
            "summary": "另一件事",
            "p-0-name": "李四",
            "submission_token": _token(page),
        },
    )
    assert resent.status_code == 200 and Petition.objects.count() == 2
    second = Petition.objects.exclude(pk=p.pk).get()
    page = resent.content.decode()  # the new matter's receipt, not the first's
    assert second.number in page and p.number not in page
    assert format_query_code(second.query_code) in re.sub(r"<[^>]+>", "", page)


def _token(page: str) -> str:
    return re.search(r'name="submission_token" value="([^"]+)"', page).group(1)


def test_the_clerks_token_is_the_clerks_own(people, client, travel, category, village_a):
    travel(STAFF_TODAY)
    data = staff_form_data(category, village_a)
    client.force_login(people["clerk"])
    first = client.post(reverse("petitions:register"), data)
    assert first.status_code == 302

    # The same clerk, the same token, other content: refused.
    r = client.post(reverse("petitions:register"), {**data, "summary": "另一件事"})
    assert r.status_code == 409 and Petition.objects.count() == 1

    # The same clerk, the same token and content: the first matter again.
    again = client.post(reverse("petitions:register"), data)
    assert again["Location"] == first["Location"]
    key = Petition.objects.get().idempotency_key
    assert key == f"user:{people['clerk'].pk}:{data['idempotency_key']}"
