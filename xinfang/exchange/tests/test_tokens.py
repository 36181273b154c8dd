"""API tokens: stored hashed, expire, revoked on password change and deactivation,
refused while locked out; a user sees and revokes their own."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from conftest import PASSWORD
from xinfang.core.models import SecurityRecord

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)


def token_for(username, password=PASSWORD, **client_kwargs):
    r = APIClient(**client_kwargs).post(
        "/api/v1/auth/token", {"username": username, "password": password}, format="json"
    )
    assert r.status_code == 200, r.content
    return r.json()["token"]


def with_token(token, **client_kwargs):
    c = APIClient(**client_kwargs)
    c.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return c


@pytest.fixture
def han(make_person, township_a):
    return make_person("handler", township_a, username="han")


def test_the_token_is_not_stored_in_clear(han):
    """The attack: authtoken_token kept every token as is, so a backup or a
    read-only database account gave every staff member's API access."""
    token = token_for("han")
    assert with_token(token).get("/api/v1/me").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT digest, token_key FROM knox_authtoken")
        rows = cursor.fetchall()
    assert len(rows) == 1
    digest, key = rows[0]
    assert token not in digest and len(key) < len(token) // 2
    assert "authtoken_token" not in connection.introspection.table_names()


def test_a_token_ends_after_30_idle_minutes(han):
    """The attack: a token never expired and bypassed the idle limit."""
    with time_machine.travel(START, tick=False) as clock:
        token = token_for("han")
        for _ in range(3):  # used every 20 minutes: alive an hour later
            clock.shift(dt.timedelta(minutes=20))
            assert with_token(token).get("/api/v1/me").status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        assert with_token(token).get("/api/v1/me").status_code == 401


def test_a_busy_token_still_ends_10_hours_after_it_was_made(han):
    with time_machine.travel(START, tick=False) as clock:
        token = token_for("han")
        for _ in range(39):
            clock.shift(dt.timedelta(minutes=15))
            assert with_token(token).get("/api/v1/me").status_code == 200
        clock.shift(dt.timedelta(minutes=15, seconds=1))
        assert with_token(token).get("/api/v1/me").status_code == 401


def test_a_password_change_revokes_the_tokens(han, client):
    """The attack: a token taken before the password change still worked after it."""
    token = token_for("han")
    client.force_login(han)
    r = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "New-Passw0rd-2026",
            "new_password2": "New-Passw0rd-2026",
        },
    )
    assert r.status_code == 302
    assert with_token(token).get("/api/v1/me").status_code == 401
    record = SecurityRecord.objects.get(kind="tokens_revoked")
    assert record.user == han and record.detail == {"count": 1, "reason": "password_changed"}
    assert with_token(token_for("han", "New-Passw0rd-2026")).get("/api/v1/me").status_code == 200


def test_a_password_set_by_an_administrator_revokes_the_tokens_too(han):
    token = token_for("han")
    han.set_password("Other-Passw0rd-2026")
    han.save()
    assert with_token(token).get("/api/v1/me").status_code == 401


def test_a_rehash_of_the_same_password_keeps_the_tokens(han, settings):
    """Django re-hashes a password when the hasher's settings change: not a new password."""
    token = token_for("han")
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]
    han.refresh_from_db()
    assert han.check_password(PASSWORD)  # upgrades the hash and saves it
    han.refresh_from_db()
    assert han.password.startswith("pbkdf2_")
    assert with_token(token).get("/api/v1/me").status_code == 200


def test_deactivation_revokes_the_tokens(han):
    token = token_for("han")
    han.is_active = False
    han.save()
    assert not AuthToken.objects.filter(user=han).exists()
    han.is_active = True
    han.save()
    assert with_token(token).get("/api/v1/me").status_code == 401


def test_a_locked_out_user_name_cannot_use_its_token_from_that_address(han):
    """The attack: the token kept working while its user name was locked out."""
    token = token_for("han", REMOTE_ADDR="198.51.100.5")
    guesser = APIClient(REMOTE_ADDR="198.51.100.5")
    for _ in range(5):
        guesser.post("/api/v1/auth/token", {"username": "han", "password": "x"}, format="json")
    r = with_token(token, REMOTE_ADDR="198.51.100.5").get("/api/v1/me")
    assert r.status_code == 401 and "锁定" in r.json()["detail"]
    # The lock is on (user name, address): from the office the token still works.
    assert with_token(token, REMOTE_ADDR="10.0.0.8").get("/api/v1/me").status_code == 200


def test_a_user_sees_and_revokes_their_own_tokens_through_the_api(han, make_person, township_a):
    other = make_person("handler", township_a, username="other")
    first, second = token_for("han"), token_for("han")
    stranger = token_for("other")
    api = with_token(first)
    listed = api.get("/api/v1/auth/tokens").json()
    assert len(listed) == 2 and [t["current"] for t in listed].count(True) == 1
    assert all(t["token_key"] and t["expiry"] for t in listed)
    assert not any(first in str(t) or second in str(t) for t in listed)  # never shown again

    second_key = next(t["token_key"] for t in listed if not t["current"])
    assert api.delete(f"/api/v1/auth/tokens/{second_key}").status_code == 204
    assert with_token(second).get("/api/v1/me").status_code == 401
    # Another user's token is not theirs to revoke (and no hint that it exists).
    other_key = AuthToken.objects.get(user=other).token_key
    assert api.delete(f"/api/v1/auth/tokens/{other_key}").status_code == 404
    assert with_token(stranger).get("/api/v1/me").status_code == 200
    # Logging out revokes the token used.
    assert api.delete("/api/v1/auth/token").status_code == 204
    assert with_token(first).get("/api/v1/me").status_code == 401


def test_revoking_all_through_the_api(han):
    tokens = [token_for("han") for _ in range(3)]
    assert with_token(tokens[0]).delete("/api/v1/auth/tokens").status_code == 204
    assert all(with_token(t).get("/api/v1/me").status_code == 401 for t in tokens)


def test_a_user_sees_and_revokes_their_own_tokens_on_a_page(han, client):
    token = token_for("han")
    key = AuthToken.objects.get(user=han).token_key
    client.force_login(han)
    page = client.get(reverse("account")).content.decode()
    assert "API 令牌" in page and key[:8] in page and token not in page
    assert reverse("password_change") in page
    r = client.post(reverse("account"), {"revoke": key}, follow=True)
    assert "该令牌已吊销" in r.content.decode()
    assert with_token(token).get("/api/v1/me").status_code == 401
    r = client.post(reverse("account"), {"revoke": "nonsense"}, follow=True)
    assert "您没有这个令牌" in r.content.decode()


def test_the_login_answer_tells_when_the_token_ends(han):
    with time_machine.travel(START, tick=False):
        r = APIClient().post(
            "/api/v1/auth/token", {"username": "han", "password": PASSWORD}, format="json"
        )
        assert r.json()["expiry"] == "2026-11-02T08:30:00Z"  # 30 idle minutes


def test_logging_in_for_a_token_makes_no_session(han):
    r = APIClient().post(
        "/api/v1/auth/token", {"username": "han", "password": PASSWORD}, format="json"
    )
    assert r.status_code == 200 and "sessionid" not in r.cookies
