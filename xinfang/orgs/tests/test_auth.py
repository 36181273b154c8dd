"""Login, lock-out, password policy, idle sessions."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import PASSWORD
from xinfang.core.models import SecurityRecord
from xinfang.orgs.models import Role

LOGIN = "/accounts/login/"


def login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_the_login_page_is_chinese(client, db):
    page = client.get(LOGIN).content.decode()
    assert "登录" in page and "密码" in page


def test_a_wrong_password_gets_a_chinese_message(client, make_person, township_a):
    make_person("handler", township_a, username="wang")
    page = login(client, "wang", "wrong-password").content.decode()
    assert "用户名" in page and "密码" in page
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", Role.values)
def test_each_role_lands_on_its_own_start_page(client, demo_tree, role, settings):
    response = login(client, role, settings.DEMO_PASSWORD)
    assert response.status_code == 302
    start = client.get(response["Location"], follow=True)
    assert start.redirect_chain[-1][0] == reverse("start_role", args=[role])
    assert start.status_code == 200
    assert str(Role(role).label) in start.content.decode()


def test_five_wrong_passwords_lock_the_account_for_15_minutes(client, make_person, township_a):
    make_person("clerk", township_a, username="li")
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        for _ in range(5):
            login(client, "li", "wrong-password")
        # Now even the right password is refused, and the page says why.
        response = login(client, "li", PASSWORD)
        assert response.status_code == 429
        assert "锁定" in response.content.decode()
        assert "_auth_user_id" not in client.session
        # The lock is on the record, in ours and in django-axes' own.
        assert SecurityRecord.objects.filter(kind="locked_out", username="li").exists()
        assert AccessAttempt.objects.get(username="li").failures_since_start >= 5
        assert SecurityRecord.objects.filter(kind="login_failed", username="li").count() >= 5

        clock.shift(dt.timedelta(minutes=16))
        response = login(client, "li", PASSWORD)
        assert response.status_code == 302
        assert client.session["_auth_user_id"]


def test_the_lock_still_holds_after_14_minutes(client, make_person, township_a):
    make_person("clerk", township_a, username="li")
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        for _ in range(5):
            login(client, "li", "wrong-password")
        clock.shift(dt.timedelta(minutes=14))
        # Trying during the lock counts as a failure too, and starts the 15 minutes anew.
        assert login(client, "li", PASSWORD).status_code == 429
        clock.shift(dt.timedelta(minutes=16))
        assert login(client, "li", PASSWORD).status_code == 302


def test_four_wrong_passwords_do_not_lock(client, make_person, township_a):
    make_person("clerk", township_a, username="zhao")
    for _ in range(4):
        login(client, "zhao", "wrong-password")
    assert login(client, "zhao", PASSWORD).status_code == 302
    assert not SecurityRecord.objects.filter(kind="locked_out").exists()


def test_the_lock_is_per_account(client, make_person, township_a):
    make_person("clerk", township_a, username="qian")
    make_person("clerk", township_a, username="sun")
    for _ in range(5):
        login(client, "qian", "wrong-password")
    assert login(client, "sun", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "password",
    ["Short1!", "alllowercaseletters", "lowercase1234567", "ALLUPPER12345", "12345678901234"],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize(
    "password", ["Wugang-city-2026", "lower-and-digits-42", "MixedCaseLetters9"]
)
def test_passwords_with_three_kinds_and_ten_characters_pass(password):
    validate_password(password)


def test_an_idle_session_ends_after_30_minutes(client, make_person, township_a):
    user = make_person("handler", township_a)
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        client.force_login(user)
        assert client.get(reverse("start"), follow=True).status_code == 200
        clock.shift(dt.timedelta(minutes=25))
        # Activity pushes the end forward...
        assert client.get(reverse("unit_index")).status_code == 200
        clock.shift(dt.timedelta(minutes=25))
        assert client.get(reverse("unit_index")).status_code == 200
        # ...and 31 idle minutes end the session.
        clock.shift(dt.timedelta(minutes=31))
        response = client.get(reverse("unit_index"))
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


def test_logout_is_a_post_and_ends_the_session(client, make_person, township_a):
    user = make_person("handler", township_a)
    client.force_login(user)
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


# --- lock-outs by user name and address; failures per address ------------------------


def test_others_cannot_lock_a_colleague_out_from_elsewhere(client, demo_tree, settings):
    """The attack: five wrong passwords from anywhere locked the user name, so anyone
    could keep `dispatcher` locked out with five requests per quarter hour."""
    right = {"username": "dispatcher", "password": settings.DEMO_PASSWORD}
    attacker = client.__class__(REMOTE_ADDR="198.51.100.66")
    for _ in range(6):
        attacker.post(LOGIN, {"username": "dispatcher", "password": "wrong-password"})
    assert attacker.post(LOGIN, right).status_code == 429
    # The dispatcher at their own desk is not locked out.
    desk = client.__class__(REMOTE_ADDR="10.20.30.40")
    assert desk.post(LOGIN, right).status_code == 302


def test_failures_across_many_user_names_are_slowed_down_per_address(
    client, make_person, township_a, settings
):
    """The attack: 40 of 40 guesses over many user names passed (AUTH_RATE was set
    but never applied)."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "auth": "10/minute",
        },
    }
    make_person("clerk", township_a, username="zhou")
    statuses = [login(client, f"user{i}", "Guess-2026-pass").status_code for i in range(40)]
    assert statuses[:10] == [200] * 10  # the form again, "wrong user name or password"
    assert set(statuses[10:]) == {429}
    page = login(client, "zhou", PASSWORD)
    assert page.status_code == 429 and int(page["Retry-After"]) >= 1
    assert "请稍候" in page.content.decode() or "稍" in page.content.decode()
    assert "_auth_user_id" not in client.session
    assert SecurityRecord.objects.filter(kind="login_throttled").count() == 31
    # Another address is not slowed down.
    other = client.__class__(REMOTE_ADDR="10.1.1.1")
    assert login(other, "zhou", PASSWORD).status_code == 302


def test_successful_logins_do_not_use_up_the_address_allowance(
    client, make_person, township_a, settings
):
    """A reception centre behind one NAT address logs in all day."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "auth": "3/minute",
        },
    }
    make_person("clerk", township_a, username="wu")
    for _ in range(6):
        assert login(client, "wu", PASSWORD).status_code == 302
        client.post(reverse("logout"))


def test_the_token_endpoint_answers_its_429s_in_json(client, make_person, township_a, settings):
    from rest_framework.test import APIClient

    make_person("clerk", township_a, username="zheng")
    api = APIClient()
    for _ in range(5):
        api.post("/api/v1/auth/token", {"username": "zheng", "password": "x"}, format="json")
    r = api.post("/api/v1/auth/token", {"username": "zheng", "password": PASSWORD}, format="json")
    assert r.status_code == 429 and r["Content-Type"] == "application/json"
    assert r.json()["code"] == "LockedOut" and "锁定" in r.json()["detail"]
    assert int(r["Retry-After"]) == 15 * 60

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "auth": "2/minute",
        },
    }
    other = APIClient(REMOTE_ADDR="10.9.9.9")
    for i in range(2):
        other.post("/api/v1/auth/token", {"username": f"n{i}", "password": "x"}, format="json")
    r = other.post("/api/v1/auth/token", {"username": "zheng", "password": PASSWORD}, format="json")
    assert r.status_code == 429 and r.json()["code"] == "Throttled"
    assert int(r["Retry-After"]) >= 1


def test_an_administrator_sees_and_lifts_locks_in_chinese(client, make_person, township_a):
    from django.contrib.auth import get_user_model

    make_person("clerk", township_a, username="feng")
    for _ in range(5):
        login(client, "feng", "wrong-password")
    assert login(client, "feng", PASSWORD).status_code == 429

    admin = get_user_model().objects.create_superuser("root", "", PASSWORD)
    boss = client.__class__(REMOTE_ADDR="10.0.0.1")
    boss.force_login(admin)
    url = reverse("admin:axes_accessattempt_changelist")
    page = boss.get(url + "?locked=yes").content.decode()
    assert "feng" in page and "127.0.0.1" in page
    assert "解除" in page and "锁定" in page
    attempt = AccessAttempt.objects.get(username="feng")
    r = boss.post(url, {"action": "lift", "_selected_action": [attempt.pk]}, follow=True)
    assert "已解除" in r.content.decode()
    assert not AccessAttempt.objects.exists()
    lifted = SecurityRecord.objects.get(kind="lock_lifted")
    assert lifted.username == "feng" and lifted.user == admin
    assert login(client, "feng", PASSWORD).status_code == 302


def test_staff_without_the_permission_cannot_lift_locks(client, make_person, township_a):
    from django.contrib.auth.models import Permission

    user = make_person("clerk", township_a, username="chu")
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_accessattempt"))
    for _ in range(5):
        login(client.__class__(REMOTE_ADDR="10.7.7.7"), "chu", "wrong-password")
    client.force_login(user)
    url = reverse("admin:axes_accessattempt_changelist")
    assert client.get(url).status_code == 200
    attempt = AccessAttempt.objects.get(username="chu")
    client.post(url, {"action": "lift", "_selected_action": [attempt.pk]})
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


# --- own password, absolute session lifetime -----------------------------------------


def test_staff_change_their_own_password_and_the_policy_applies(client, make_person, township_a):
    user = make_person("handler", township_a, username="han")
    other_desk = client.__class__()
    other_desk.force_login(user)
    client.post(LOGIN, {"username": "han", "password": PASSWORD})
    url = reverse("password_change")
    assert "修改密码" in client.get(url).content.decode()
    weak = client.post(
        url, {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"}
    )
    assert weak.status_code == 200 and 'aria-invalid="true"' in weak.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    wrong_old = client.post(
        url,
        {
            "old_password": "nope",
            "new_password1": "New-Passw0rd-2026",
            "new_password2": "New-Passw0rd-2026",
        },
    )
    assert wrong_old.status_code == 200
    r = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "New-Passw0rd-2026",
            "new_password2": "New-Passw0rd-2026",
        },
    )
    assert r.status_code == 302 and r["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password("New-Passw0rd-2026")
    assert client.get(reverse("unit_index")).status_code == 200  # this session goes on
    assert other_desk.get(reverse("unit_index")).status_code == 302  # the others end
    assert SecurityRecord.objects.filter(kind="password_changed", user=user).exists()


def test_the_password_page_needs_a_login(client, db):
    r = client.get(reverse("password_change"))
    assert r.status_code == 302 and reverse("login") in r["Location"]


def test_a_busy_session_still_ends_10_hours_after_login(client, make_person, township_a):
    """The attack: a session taken from an unlocked desk lived as long as it was used."""
    make_person("handler", township_a, username="busy")
    with time_machine.travel(dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC), tick=False) as clock:
        assert login(client, "busy", PASSWORD).status_code == 302
        for _ in range(39):  # a request every 15 minutes: never idle
            clock.shift(dt.timedelta(minutes=15))
            assert client.get(reverse("unit_index")).status_code == 200
        clock.shift(dt.timedelta(minutes=15, seconds=1))  # 10 hours and a second
        response = client.get(reverse("unit_index"))
        assert response.status_code == 302 and reverse("login") in response["Location"]
        assert "_auth_user_id" not in client.session
        # Logging in again starts a new lifetime.
        assert login(client, "busy", PASSWORD).status_code == 302
        assert client.get(reverse("unit_index")).status_code == 200


def test_the_session_row_is_written_at_most_once_a_minute_for_activity(
    client, make_person, township_a
):
    """Pushing the idle limit forward wrote the session on every request (a write
    per page a clerk or a citizen reads); once a minute keeps the 30 minutes."""

    def writes() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("unit_index")).status_code == 200
        return sum('"django_session"' in q["sql"] and "SELECT" not in q["sql"] for q in ctx)

    user = make_person("handler", township_a)
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        client.force_login(user)
        assert writes() == 1  # the first request sets the idle clock
        clock.shift(dt.timedelta(seconds=30))
        assert writes() == 0
        clock.shift(dt.timedelta(seconds=31))
        assert writes() == 1
