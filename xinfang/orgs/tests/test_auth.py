"""Login, lock-out, password policy, idle sessions."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
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
