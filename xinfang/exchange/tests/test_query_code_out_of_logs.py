"""The query code, the petitioner's only credential, stays out of URLs and out of
every log line (issue 9, item 7): the public API takes it in the X-Query-Code
header, and a filter on every log handler masks codes, ID numbers and phones."""

import io
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.urls import URLResolver, get_resolver
from rest_framework.test import APIClient

from xinfang.core.redact import redact
from xinfang.petitions import api, selectors

ROOT = Path(__file__).resolve().parents[3]
CODE = "ABCD-EFGH-JKMNP"


@pytest.fixture
def console():
    """What the configured console handler writes (the app's log)."""
    handler = logging.getHandlerByName("console")
    out = io.StringIO()
    old = handler.setStream(out)
    yield out
    handler.setStream(old)


def code_forms(code: str) -> list[str]:
    bare = code.replace("-", "")
    return [code, bare, bare.lower(), code.lower().replace("-", " ")]


def all_routes(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from all_routes(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern), p.name


def test_no_route_takes_a_query_code_in_its_path():
    routes = dict(all_routes(get_resolver().url_patterns))
    assert "api/v1/public/matter" in routes and "public/track/matter/" in routes  # walked
    assert [r for r in routes if "code" in r] == []
    # Only the 410 for old clients still matches a code-shaped path.
    assert [n for r, n in routes.items() if "public/petitions/" in r] == ["api-public-code-in-path"]


@pytest.mark.django_db
def test_an_old_client_with_the_code_in_the_path_is_told_where_it_goes_now(register, travel):
    travel("2026-11-02")
    p = register()

    r = APIClient().get(f"/api/v1/public/petitions/{p.query_code}")

    assert r.status_code == 410 and "X-Query-Code" in r.json()["detail"]
    assert "number" not in r.json()  # nothing of the matter
    ok = APIClient().get("/api/v1/public/matter", HTTP_X_QUERY_CODE=p.query_code)
    assert ok.status_code == 200 and ok.json()["number"] == p.number


@pytest.mark.django_db
def test_an_error_log_line_of_a_public_lookup_holds_no_query_code(
    register, travel, monkeypatch, console
):
    # Rate limits are another test's business (and another test may leave them low).
    monkeypatch.setattr(api.PublicView, "throttle_classes", [])
    travel("2026-11-02")
    p = register()
    code = p.query_code

    def broken(query_code):
        # As a database error quotes the value it choked on (PostgreSQL's DETAIL).
        raise RuntimeError(f"Key (query_code)=({query_code}) is broken, id 11010519491231002X")

    monkeypatch.setattr(selectors, "public_view", broken)
    client = APIClient(raise_request_exception=False)
    for form in code_forms(code):
        assert client.get("/api/v1/public/matter", HTTP_X_QUERY_CODE=form).status_code == 500
    # And an old client's request line, logged as a 410/404 warning.
    client.get(f"/api/v1/public/petitions/{code}/notices/1")

    log = console.getvalue()
    assert "Internal Server Error: /api/v1/public/matter" in log
    assert "RuntimeError: Key (query_code)=([query code]) is broken" in log
    for form in code_forms(code):
        assert form not in log
    assert "11010519491231002X" not in log


def test_redaction_masks_codes_id_numbers_and_phones_and_nothing_else():
    line = (
        "GET /api/v1/public/petitions/abcd%20efgh%20jkmnp?x=ABCDEFGHJKMNP "
        "id 11010519491231002x tel +8613812345678 / 0371-6512345 "
        "matter 2026-000123 sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    )
    assert redact(line) == (
        "GET /api/v1/public/petitions/[query code]?x=[query code] "
        "id [ID number] tel [phone] / [phone] "
        "matter 2026-000123 sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorns_access_and_error_lines_hold_no_query_code(tmp_path):
    """The production server with its config: request lines and errors redacted."""
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTEST_VERSION", "DATABASE_URL") and not k.startswith("DJANGO_")
    }
    # An empty SQLite database: the lookup fails, so there is an error line as well.
    env.update(DEBUG="1", DATA_DIR=str(tmp_path), CACHE_BACKEND="locmem")
    out, err = tmp_path / "access.log", tmp_path / "error.log"
    with out.open("w") as stdout, err.open("w") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py"]
            + ["-b", f"127.0.0.1:{port}", "-w", "1", "config.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
        try:
            base = f"http://127.0.0.1:{port}/api/v1/public"
            requests = [
                urllib.request.Request(f"{base}/petitions/{CODE}"),  # an old client
                urllib.request.Request(f"{base}/matter", headers={"X-Query-Code": CODE}),
            ]
            statuses = []
            for request in requests:
                for _attempt in range(100):
                    try:
                        statuses.append(urllib.request.urlopen(request, timeout=10).status)
                        break
                    except urllib.error.HTTPError as exc:
                        statuses.append(exc.code)
                        break
                    except (urllib.error.URLError, ConnectionError):
                        time.sleep(0.2)  # still starting
            # The old path answers 410 where it gets that far; with no tables, the rate
            # limit's own row (core.ratelimit) may fail first: either way a line is logged.
            assert statuses[0] in (410, 500, 503) and statuses[1] in (500, 503)
            time.sleep(0.5)
        finally:
            server.terminate()
            server.wait(timeout=20)

    access, errors = out.read_text(), err.read_text()
    assert f'"GET /api/v1/public/petitions/[query code] HTTP/1.1" {statuses[0]}' in access
    assert f'"GET /api/v1/public/matter HTTP/1.1" {statuses[1]}' in access
    assert "/api/v1/public/matter" in errors  # the error line, redacted like the rest
    for form in code_forms(CODE):
        assert form not in access + errors
