import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def as_user(api):
    def login(user):
        api.force_authenticate(user)
        return api

    return login


@pytest.fixture
def api_token():
    """api_token(user) -> the HTTP Authorization value of a fresh API token for
    `user` (whose password is conftest.PASSWORD). One place to follow when the
    token scheme changes: the tests that run against the schema get theirs here."""
    from conftest import PASSWORD

    def issue(user) -> str:
        r = APIClient().post(
            "/api/v1/auth/token",
            {"username": user.get_username(), "password": PASSWORD},
            format="json",
        )
        assert r.status_code == 200, r.content
        return f"Token {r.json()['token']}"

    return issue
