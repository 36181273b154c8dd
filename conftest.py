"""Shared fixtures: the demo tree and personas (one user per role, at a unit)."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from xinfang.core import memo
from xinfang.core.memo import forget_all
from xinfang.orgs import services
from xinfang.orgs.demo import TOWNSHIP_A, TOWNSHIP_B
from xinfang.orgs.models import Unit

PASSWORD = "Test-Passw0rd-2026"

# Personas and helpers for petition matters, shared by every area's tests.
pytest_plugins = ["xinfang.petitions.tests.fixtures"]


@pytest.fixture(autouse=True, scope="session")
def _own_memo_stamp(tmp_path_factory):
    """Each test process its own core.memo stamp (the server processes of one
    installation share DATA_DIR's): another test process's changes are not this
    one's, and would make its counts of statements vary."""
    memo.use_stamp(str(tmp_path_factory.mktemp("memo") / "memo-generation"))


@pytest.fixture(autouse=True)
def _forget_kept_lists():
    """A test's rollback removes units and categories without the signals that
    make core.memo forget the lists built from them: each test starts afresh (the
    pages' kept fragments too: a test may change the settings they are built from)."""
    forget_all()
    caches["fragments"].clear()
    yield


@pytest.fixture
def demo_tree(db):
    """The Wugang-shaped demo tree and demo users."""
    call_command("seed_demo", allow_production=True, verbosity=0)
    return {u.code: u for u in Unit.objects.all()}


@pytest.fixture
def township_a(demo_tree):
    return demo_tree[TOWNSHIP_A]


@pytest.fixture
def township_b(demo_tree):
    return demo_tree[TOWNSHIP_B]


@pytest.fixture
def city(demo_tree):
    return demo_tree["410481"]


@pytest.fixture
def make_person(db):
    """make_person("handler", unit, ...) -> a user holding that role in that unit."""
    counter = {"n": 0}

    def make(role, *units, username=None):
        counter["n"] += 1
        user = services.user_create(
            username=username or f"{role}-{counter['n']}", password=PASSWORD, full_name=role
        )
        for i, unit in enumerate(units):
            services.membership_add(user=user, unit=unit, role=role, is_primary=(i == 0))
        return user

    return make


class TokenClient(APIClient):
    """An API client that logs in for a token (POST /api/v1/auth/token) as a phone app
    would, and logs in again once the token has ended: tests that travel days
    through a workflow outlive a token's 30 idle minutes, as a real app would."""

    def __init__(self, username: str, password: str = PASSWORD, **defaults):
        super().__init__(**defaults)
        self._login = {"username": username, "password": password}
        self._defaults = defaults
        self._expiry = None

    def _renew(self) -> None:
        r = APIClient(**self._defaults).post("/api/v1/auth/token", self._login, format="json")
        assert r.status_code == 200, r.content
        self._expiry = parse_datetime(r.json()["expiry"])
        self.credentials(HTTP_AUTHORIZATION=f"Token {r.json()['token']}")

    def _fresh(self) -> None:
        if self._expiry is None or timezone.now() >= self._expiry - timedelta(minutes=1):
            self._renew()

    def request(self, *args, **kwargs):
        self._fresh()
        return super().request(*args, **kwargs)

    def authorization(self) -> str:
        """The Authorization header value of this client's token, for a caller
        that sends its own requests (schemathesis, a plain Django Client)."""
        self._fresh()
        return self._credentials["HTTP_AUTHORIZATION"]


@pytest.fixture
def api_for(db):
    """The one API client helper: api_for(user) logs in for a token as a phone app
    would (TokenClient); api_for(None) is an anonymous client;
    api_for(user).authorization() is the header value of its token. The demo
    users log in with api_for(user, password=settings.DEMO_PASSWORD)."""

    def make(user=None, *, password: str = PASSWORD, **defaults):
        if user is None:
            return APIClient(**defaults)
        return TokenClient(user.get_username(), password, **defaults)

    return make
