"""Every answer under /api/v1/ is JSON of one shape, and a change must name the
version it was made on (issue 9, items 8b and 8c)."""

import json
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory

from xinfang.core import views as core_views
from xinfang.mediation.tests.case_fixtures import *  # noqa: F403  (new_dispute)
from xinfang.mediation.tests.personas import *  # noqa: F403  (med)
from xinfang.petitions.models import PetitionEvent


def assert_json_error(r, status, code=None):
    assert r.status_code == status, (r.status_code, r.content[:300])
    assert r["Content-Type"].startswith("application/json"), r["Content-Type"]
    body = json.loads(r.content)
    assert body["detail"], body
    if code:
        assert body["code"] == code, body
    return body


# --- 8b: no change without the version the client saw -------------------------------


def test_a_petition_action_without_version_is_428_and_changes_nothing(
    people, register, travel, api_for, demo_tree
):
    travel("2026-11-02")
    p = register()
    events = PetitionEvent.objects.filter(petition=p).count()
    api = api_for(people["dispatcher"])

    r = api.post(
        f"/api/v1/petitions/{p.pk}/actions/forward",
        {"responsible_unit": demo_tree["410481102"].pk},
        format="json",
    )

    body = assert_json_error(r, 428, "PreconditionRequired")
    assert "version" in body["detail"] and "覆盖" in body["detail"]  # Chinese by default
    p.refresh_from_db()
    assert p.state == "registered" and PetitionEvent.objects.filter(petition=p).count() == events


def test_a_petition_action_on_a_stale_version_is_409_and_the_right_one_passes(
    people, register, travel, api_for, demo_tree
):
    travel("2026-11-02")
    p = register()
    api = api_for(people["dispatcher"])
    url = f"/api/v1/petitions/{p.pk}/actions/forward"
    fields = {"responsible_unit": demo_tree["410481102"].pk}

    assert_json_error(api.post(url, {**fields, "version": p.version + 1}, format="json"), 409)
    r = api.post(url, {**fields, "version": p.version}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "forwarded"
    assert r.json()["version"] == p.version + 1


def test_routing_a_dispute_without_version_is_428_and_changes_nothing(
    med, new_dispute, travel, api_for
):
    travel("2026-09-01")
    d = new_dispute(type="land")
    api = api_for(med["handler_a"])

    r = api.post(f"/api/v1/disputes/{d.pk}/route", {"to": "committee"}, format="json")

    assert_json_error(r, 428, "PreconditionRequired")
    before = (d.state, d.body_id, d.version)
    d.refresh_from_db()
    assert (d.state, d.body_id, d.version) == before
    r = api.post(f"/api/v1/disputes/{d.pk}/cases", {}, format="json")  # opening routes it too
    assert_json_error(r, 428, "PreconditionRequired")
    assert not d.cases.exists()


def test_the_schema_says_which_operations_need_a_version(api_for, db):
    api = api_for()
    schema = api.get("/api/v1/schema/?format=json").json()
    action = schema["paths"]["/api/v1/petitions/{id}/actions/{action}"]["post"]
    assert "428" in action["responses"] and "409" in action["responses"]
    assert "version" in schema["components"]["schemas"]["ActionIn"]["required"]
    route = schema["paths"]["/api/v1/disputes/{id}/route"]["post"]
    assert "428" in route["responses"]
    assert "428" not in schema["paths"]["/api/v1/petitions"]["get"]["responses"]
    patch = schema["paths"]["/api/v1/mediation/mediators/{id}"]["patch"]
    assert "428" in patch["responses"]  # a PATCH body is all optional, but for the version
    ref = patch["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert "version" in schema["components"]["schemas"][ref.rsplit("/", 1)[1]]["required"]
    for status in ("400", "401", "403", "404", "409", "503"):
        assert patch["responses"][status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }


# --- 8c: JSON everywhere under /api/ --------------------------------------------------


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/api/v1/no-such-thing"),
        ("post", "/api/v1/no-such-thing"),
        ("get", "/api/v1/petitions/not-a-number"),
        ("get", "/api/v2/petitions"),
    ],
)
def test_an_unknown_route_is_a_json_404(db, method, path):
    r = getattr(Client(), method)(path)
    assert_json_error(r, 404, "NotFound")


def test_a_page_that_does_not_exist_is_still_the_html_page(db):
    r = Client().get("/no-such-page/")
    assert r.status_code == 404 and r["Content-Type"].startswith("text/html")


def test_a_method_not_allowed_is_json(people, api_for):
    r = api_for(people["dispatcher"]).delete("/api/v1/me")
    assert_json_error(r, 405, "MethodNotAllowed")


def test_the_lock_out_is_json(api_for, demo_tree, settings):
    api = api_for()
    for _ in range(5):
        api.post("/api/v1/auth/token", {"username": "clerk", "password": "wrong"}, format="json")
    r = api.post(
        "/api/v1/auth/token",
        {"username": "clerk", "password": settings.DEMO_PASSWORD},
        format="json",
    )
    assert_json_error(r, 429)


def test_a_csrf_failure_is_json(people, db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["dispatcher"])
    r = client.post("/api/v1/petitions", {}, content_type="application/json")
    assert_json_error(r, 403)


def test_a_body_too_large_is_json(demo_tree, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    r = Client(raise_request_exception=False).post(
        "/api/v1/public/petitions",
        {"summary": "x" * 5000, "purpose": "appeal"},  # multipart: Django counts the fields
    )
    assert r.status_code in (400, 413)
    assert_json_error(r, r.status_code)


def _database_down():
    """Every query fails as when the database server is gone."""
    return mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    )


def test_a_database_outage_is_a_json_503_with_retry_after_for_staff_and_public(people, api_for, db):
    token = api_for(people["dispatcher"]).authorization()
    client = Client(raise_request_exception=False)
    with _database_down():
        staff = client.get("/api/v1/petitions", HTTP_AUTHORIZATION=token)
        public = client.get("/api/v1/public/categories")
    for r in (staff, public):
        assert_json_error(r, 503)
        assert int(r["Retry-After"]) > 0


def test_a_database_outage_outside_the_api_views_is_json_under_api_and_a_page_elsewhere():
    # What Django's handler500 answers while the OperationalError is being handled
    # (an outage in a middleware, before any view).
    factory = RequestFactory()
    try:
        raise OperationalError("could not connect to server")
    except OperationalError:
        api = core_views.server_error(factory.get("/api/v1/petitions"))
        page = core_views.server_error(factory.get("/petitions/"))
    assert_json_error(api, 503, "Unavailable")
    assert int(api["Retry-After"]) > 0
    assert page.status_code == 503 and page["Content-Type"].startswith("text/html")
    assert int(page["Retry-After"]) > 0
    # Any other error under /api/ is a JSON 500, never the HTML page.
    try:
        raise ValueError("a bug")
    except ValueError:
        assert_json_error(core_views.server_error(factory.get("/api/v1/me")), 500, "ServerError")


def test_a_database_outage_on_a_page_is_the_friendly_503(people, db):
    client = Client(raise_request_exception=False)
    client.force_login(people["dispatcher"])
    with _database_down():
        r = client.get("/")
    assert r.status_code == 503 and int(r["Retry-After"]) > 0
    assert "暂时无法访问" in r.content.decode()
