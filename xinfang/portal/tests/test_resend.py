"""The receipt and the matter are the answers to POSTs (no redirect), so a
browser's history holds those POSTs: Back and "resend" on a shared computer
send the same form again. What such a resend shows, and what it must not."""

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from xinfang.petitions.models import Petition

from .helpers import form_data

EXPIRED_ZH = "本页已失效"


def field(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page)[1]


def nothing_of(p: Petition, page: str) -> bool:
    code = p.query_code
    grouped = f"{code[:4]}-{code[4:8]}-{code[8:]}"
    return not any(x in page for x in (p.number, p.summary, code, grouped, code[:4]))


@pytest.fixture
def browser():
    """A browser as a browser is: the CSRF check is made."""
    return Client(enforce_csrf_checks=True)


def track_form(browser) -> dict:
    page = browser.get(reverse("portal:track")).content.decode()
    return {
        "csrfmiddlewaretoken": field(page, "csrfmiddlewaretoken"),
        "issued": field(page, "issued"),
    }


def forget(browser, page: str):
    """The page's own "Done: forget the code on this device" button."""
    token = field(page, "csrfmiddlewaretoken")
    r = browser.post(reverse("portal:leave"), {"csrfmiddlewaretoken": token})
    assert r.status_code == 302 and r["Location"] == reverse("portal:track")


def test_a_lookup_sent_again_after_forget_is_refused_and_shows_nothing(
    browser, demo_tree, register
):
    p = register()
    sent = {**track_form(browser), "code": p.query_code}
    first = browser.post(reverse("portal:track"), sent)
    assert first.status_code == 200 and p.number in first.content.decode()

    forget(browser, first.content.decode())
    again = browser.post(reverse("portal:track"), sent)  # Back, then "resend"

    assert again.status_code == 403
    assert EXPIRED_ZH in again.content.decode() and nothing_of(p, again.content.decode())
    assert browser.get(reverse("portal:matter")).status_code == 302  # nothing kept
    # The same person with a fresh page: found as ever.
    fresh = browser.post(reverse("portal:track"), {**track_form(browser), "code": p.query_code})
    assert fresh.status_code == 200 and p.number in fresh.content.decode()


def test_a_lookup_page_older_than_the_idle_limit_is_not_answered_with_the_matter(
    browser, demo_tree, register
):
    p = register()
    start = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)
    limit = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with time_machine.travel(start, tick=False) as clock:
        sent = {**track_form(browser), "code": p.query_code}
        clock.move_to(start + limit - dt.timedelta(minutes=1))
        in_time = Client().post(reverse("portal:track"), sent)
        clock.move_to(start + limit + dt.timedelta(minutes=1))
        late = Client().post(reverse("portal:track"), sent)  # the next person, Back

    assert in_time.status_code == 200 and p.number in in_time.content.decode()
    page = late.content.decode()
    assert late.status_code == 400
    assert "本页打开时间过长" in page and nothing_of(p, page)  # not even the code typed
    assert field(page, "issued") != sent["issued"]  # a new page: a new stamp


def test_a_forged_stamp_is_refused_like_an_old_one(client, demo_tree, register):
    p = register()
    for forged in ("track:1a2b3c:0000", "x", "track:" + "A" * 90):
        r = client.post(reverse("portal:track"), {"issued": forged, "code": p.query_code})
        assert r.status_code == 400 and nothing_of(p, r.content.decode())


def test_the_expired_page_is_in_english_for_an_english_reader(client, demo_tree, register):
    p = register()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    r = client.post(reverse("portal:track"), {"issued": "bad", "code": p.query_code})
    assert r.status_code == 400 and "This page was open too long" in r.content.decode()


def test_a_submission_sent_again_after_forget_is_refused_and_shows_no_code(
    browser, demo_tree, category, village_a
):
    page = browser.get(reverse("portal:submit")).content.decode()
    data = form_data(
        category,
        village_a,
        submission_token=field(page, "submission_token"),
        csrfmiddlewaretoken=field(page, "csrfmiddlewaretoken"),
    )
    first = browser.post(reverse("portal:submit"), data)
    p = Petition.objects.get()
    assert first.status_code == 200 and p.number in first.content.decode()

    forget(browser, first.content.decode())  # the receipt has the button too
    again = browser.post(reverse("portal:submit"), data)

    assert again.status_code == 403 and nothing_of(p, again.content.decode())
    assert EXPIRED_ZH in again.content.decode()
    assert browser.get(reverse("portal:receipt")).status_code == 302  # to the form
    assert Petition.objects.count() == 1


def test_a_submission_sent_again_later_from_a_new_session_shows_no_receipt(
    demo_tree, category, village_a
):
    """Within the idle limit a resend is the citizen whose answer was lost on the
    way (the matter was made, the receipt never arrived): it shows the receipt.
    Later, from a session that never showed it, it is someone at the same
    computer pressing Back: one matter still, and no code."""
    data = form_data(category, village_a)
    start = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)
    limit = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with time_machine.travel(start, tick=False) as clock:
        first = Client().post(reverse("portal:submit"), data)
        clock.move_to(start + limit - dt.timedelta(minutes=1))
        lost = Client().post(reverse("portal:submit"), data)
        clock.move_to(start + limit + dt.timedelta(minutes=1))
        later = Client()
        back = later.post(reverse("portal:submit"), data)
        receipt = later.get(reverse("portal:receipt"))

    p = Petition.objects.get()
    assert first.status_code == lost.status_code == 200
    assert p.number in first.content.decode() and p.number in lost.content.decode()
    assert back.status_code == 302 and back["Location"] == reverse("portal:receipt")
    assert nothing_of(p, back.content.decode())
    assert receipt.status_code == 302 and receipt["Location"] == reverse("portal:submit")
    assert Petition.objects.count() == 1
