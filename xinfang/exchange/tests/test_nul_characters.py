"""A NUL character (0x00) anywhere a view reads text from is a 400, refused in one
place (core.middleware.RequestGuardMiddleware) before any view or query sees it.
PostgreSQL cannot hold NUL in text, so before this a filter such as ?q=a%00b
failed inside the query as a 500; these run on both databases in CI."""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from xinfang.petitions.models import Petition
from xinfang.petitions.tests.fixtures import VALID_ID

from .helpers import public_form_data, staff_form_data

NUL = "a\x00b"
CHINESE = "空字符"


@pytest.fixture
def staff_api(people, api_for):
    return lambda role: api_for(people[role])


@pytest.mark.parametrize(
    ("role", "path", "field"),
    [
        ("handler", "/api/v1/petitions", "q"),
        ("handler", "/api/v1/petitions", "state"),
        ("handler", "/api/v1/petitions", "date_from"),
        ("dispatcher", "/api/v1/petitions/export", "q"),
        ("handler", "/api/v1/ledger", "source"),
        ("handler", "/api/v1/ledger", "village"),
        ("handler", "/api/v1/disputes", "q"),
        ("handler", "/api/v1/mediation/stats", "type"),
    ],
)
def test_a_nul_in_an_api_filter_is_a_400_naming_it(staff_api, role, path, field):
    r = staff_api(role).get(path, {field: NUL})

    assert r.status_code == 400, r.content
    answer = r.json()
    assert answer["code"] == "InvalidInput" and CHINESE in answer["errors"][field][0]


def test_a_nul_in_a_filter_name_is_refused_too(staff_api):
    r = staff_api("handler").get("/api/v1/petitions?q%00x=1")
    assert r.status_code == 400 and "q\\x00x" in r.json()["errors"]


@pytest.mark.parametrize("url", ["petitions:worklist", "petitions:supervision"])
def test_a_nul_in_a_page_filter_is_a_400_page(client, people, url):
    client.force_login(people["dispatcher"])

    r = client.get(reverse(url), {"q": NUL})

    assert r.status_code == 400
    assert CHINESE in r.content.decode()


def test_a_nul_in_the_path_is_refused(demo_tree):
    r = APIClient().get("/api/v1/public/petitions/ABCD%00EFGH")
    assert r.status_code == 400 and "path" in r.json()["errors"]


def test_a_nul_in_a_json_string_is_a_400_naming_where(demo_tree, category, village_a):
    body = {
        "purpose": "appeal",
        "category": category.pk,
        "place": village_a.pk,
        "summary": "路面塌陷",
        "content": "村口道路塌陷。",
        "petitioners": [{"name": NUL, "id_number": VALID_ID}],
        "consent": True,
    }

    r = APIClient().post("/api/v1/public/petitions", body, format="json")

    assert r.status_code == 400
    assert CHINESE in r.json()["errors"]["petitioners[0].name"][0]
    assert Petition.objects.count() == 0


def test_a_nul_in_a_json_key_is_refused(staff_api):
    r = staff_api("handler").post(
        "/api/v1/screening/reports",
        json.dumps({"nil": True, "no\x00te": "x"}),
        content_type="application/json",
    )
    assert r.status_code == 400 and "no\\x00te" in r.json()["errors"]


def test_a_nul_in_a_multipart_api_field_is_refused(demo_tree, category, village_a):
    r = APIClient().post(
        "/api/v1/public/petitions",
        {"summary": NUL, "category": category.pk, "place": village_a.pk},
        format="multipart",
    )
    assert r.status_code == 400 and CHINESE in r.json()["errors"]["summary"][0]


@pytest.mark.parametrize("field", ["summary", "category", "p-0-name", "submission_token"])
def test_a_nul_in_a_portal_form_field_is_a_400_and_saves_nothing(
    client, demo_tree, category, village_a, field
):
    data = {**public_form_data(category, village_a), field: NUL}

    r = client.post(reverse("portal:submit"), data)

    assert r.status_code == 400 and CHINESE in r.content.decode()
    assert Petition.objects.count() == 0


def test_a_nul_in_the_clerks_form_is_refused(client, people, category, village_a):
    client.force_login(people["clerk"])
    data = staff_form_data(category, village_a, idempotency_key=NUL)

    r = client.post(reverse("petitions:register"), data)

    assert r.status_code == 400 and Petition.objects.count() == 0


def test_the_refusal_is_in_english_for_an_english_reader(staff_api):
    c = staff_api("handler")
    c.cookies["django_language"] = "en"
    r = c.get("/api/v1/petitions", {"q": NUL})
    assert r.json()["errors"]["q"] == [
        "The request contains a NUL character (code 0), which is not allowed."
    ]


def test_a_broken_multipart_body_is_a_400_not_a_500(demo_tree):
    r = APIClient().generic(
        "POST",
        "/api/v1/public/petitions",
        b"--x\r\nContent-Disposition: form-data\r\n\r\nno name\r\n",
        content_type="multipart/form-data",  # no boundary
    )
    assert r.status_code == 400
