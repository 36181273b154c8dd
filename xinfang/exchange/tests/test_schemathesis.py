"""The API keeps to its OpenAPI schema: a bounded schemathesis run over every
operation of /api/v1/schema/, as a staff member (token) and as the public.

0 server errors, and every answer's status, content type and body as documented
(issue 9, items 8e and 9). The run is bounded (EXAMPLES per operation, no
shrinking) so that it takes about a minute on the CI machine; it runs inside the
test's transaction, through Django's WSGI handler, on whichever database the
suite runs on.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from xinfang.mediation import meetings
from xinfang.mediation import services as mediation_services
from xinfang.mediation.tests.case_fixtures import *  # noqa: F403  (new_dispute)
from xinfang.mediation.tests.personas import *  # noqa: F403  (med)
from xinfang.orgs.demo import TOWNSHIP_A

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Generated requests per operation and caller. Small on purpose: the run is a
# guard in every test run, not a soak (that is the attacker's job, bench/).
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "20"))
# Fewer examples where more would only repeat one answer: the token endpoint
# (random names and passwords: 400, or 429 once the failures are throttled).
FEWER = {("POST", "/api/v1/auth/token")}


def _run(operation, headers: dict, failures: list, examples: int, **fixed) -> int:
    """Generate and send `examples` requests for one operation, valid and invalid
    ones; record failures."""
    calls = []
    strategy = operation.as_strategy(GenerationMode.POSITIVE, **fixed) | operation.as_strategy(
        GenerationMode.NEGATIVE, **fixed
    )

    @given(case=strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        calls.append(1)
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:  # every finding, not the first
            who = "staff" if headers else "public"
            failures.append(f"{operation.label} as {who}: {exc}")

    try:
        check()
    except Unsatisfiable:
        pass
    return len(calls)


@contextmanager
def keeping_the_connection():
    """As Django's test client does: a request must not close the test's database
    connection (its transaction holds the test's data)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.fixture
def schema(db):
    """The schema as the app serves it, calls going through the app in-process."""
    with keeping_the_connection():
        return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", WSGIHandler())


@pytest.fixture
def objects(people, register, med, new_dispute, travel):
    """Real objects to aim at, so that more than the 404 is seen: (path prefix,
    path parameters, who asks)."""
    travel("2026-11-02")
    matter = register()
    register(summary="拖欠工程款")
    dispute = new_dispute(type="land")
    mediation_services.dispute_route(actor=med["handler_a"], dispute_id=dispute.pk, to="committee")
    case = mediation_services.case_open(
        actor=med["land"], dispute_id=dispute.pk, mediators=[med["roster"]["land"].pk]
    )
    meeting = meetings.meeting_create(actor=med["handler_a"], township=med["units"][TOWNSHIP_A])
    return [
        ("/api/v1/petitions/{id}", {"id": matter.pk}, people["dispatcher"]),
        ("/api/v1/meetings/{id}", {"id": meeting.pk}, med["handler_a"]),
        # The petitioner's own endpoints: the query code travels in a header.
        ("/api/v1/public/matter", {}, ("X-Query-Code", matter.query_code)),
        ("/api/v1/disputes/{id}", {"id": dispute.pk}, med["handler_a"]),
        ("/api/v1/cases/{id}", {"id": case.pk}, med["land"]),
        ("/api/v1/mediation/bodies/{id}", {"id": case.body_id}, med["land"]),
        ("/api/v1/mediation/mediators/{id}", {"id": med["roster"]["land"].pk}, med["land"]),
    ]


def test_the_api_answers_as_its_schema_says_for_staff_and_public(schema, people, objects, api_for):
    def api_token(user) -> str:
        return api_for(user).authorization()

    staff = {"Authorization": api_token(people["dispatcher"])}
    tokens = {None: {}, people["dispatcher"]: staff}
    for _prefix, _params, user in objects:
        if isinstance(user, tuple):  # a header the public sends, not a login
            tokens[user] = dict([user])
        elif user not in tokens:
            tokens[user] = {"Authorization": api_token(user)}
    started = time.monotonic()
    failures: list[str] = []
    operations = [op.ok() for op in schema.get_all_operations()]
    # Tokens made before the run (a login inside it would close the run's connection).
    logout_tokens = [
        {"Authorization": api_token(people["leader"])}
        for op in operations
        if op.method.upper() == "DELETE" and op.path.startswith("/api/v1/auth/")
    ]
    assert len(operations) > 30  # the whole API, not a corner of it
    calls = 0
    with keeping_the_connection():
        for operation in operations:
            if (operation.method.upper(), operation.path) in FEWER:
                calls += _run(operation, {}, failures, 3)
                continue
            if operation.method.upper() == "DELETE" and operation.path.startswith("/api/v1/auth/"):
                # Logging out revokes the token it is sent with (or all of them): a
                # user of its own, so the run's staff token lives on.
                calls += _run(operation, logout_tokens.pop(), failures, 3)
                continue
            public = operation.path.startswith("/api/v1/public/")
            calls += _run(operation, staff, failures, EXAMPLES)
            if public or operation.method.upper() == "GET":
                # The public, and an anonymous caller's 401 on a staff operation.
                calls += _run(operation, {}, failures, EXAMPLES if public else 2)
            for prefix, params, user in objects:
                if operation.path.startswith(prefix):
                    calls += _run(
                        operation, tokens[user], failures, EXAMPLES, path_parameters=params
                    )
    elapsed = time.monotonic() - started
    print(f"schemathesis: {len(operations)} operations, {calls} calls, {elapsed:.1f} s")
    assert not failures, f"{len(failures)} findings:\n\n" + "\n\n".join(failures[:20])
