"""The crawl a new user makes on the first morning: every link of every start page
and menu, for every demo user, answers below 400 and prints no raw code.

A raw code is a snake_case word (`pass_up`, `meeting_decision`) in the text a
person reads: an action, state or field name that reached a page without its
label. The whole demo (`make run`'s data) is loaded once for the module.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import translation

from xinfang.orgs.demo import DEMO_USERS

User = get_user_model()
RAW_CODE = re.compile(r"(?<![\w./:-])[a-z]+(?:_[a-z0-9]+)+(?![\w./-])")
# Links a crawl must not follow: leaving the session, switching the language.
SKIP = ("/accounts/logout/", "/i18n/", "/admin/", "/static/", "/media/", "/api/")


class _Page(HTMLParser):
    """The links (a[href]) and the visible text of a page."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.text.append(data.strip())


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _internal(href: str) -> str | None:
    href, _fragment = urldefrag(href)
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not href.startswith("/"):
        return None
    if any(href.startswith(prefix) for prefix in SKIP):
        return None
    return href


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    # Inside one transaction rolled back at the end (each test's own is a savepoint
    # in it): a flush would also erase the rows the migrations seed (the categories),
    # which the test modules after this one need.
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", allow_production=True, verbosity=0)
            call_command("seed_demo_petitions", allow_production=True, verbosity=0)
            call_command("seed_demo_mediation", allow_production=True, verbosity=0)
            call_command("seed_demo_screening", allow_production=True, verbosity=0)
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _shape(url: str) -> str:
    """One page of each kind is enough: /petitions/12/ and /petitions/13/ are one shape."""
    path, _, query = url.partition("?")
    keys = sorted(k.split("=")[0] for k in query.split("&") if k)
    return re.sub(r"\d+", "N", path) + ("?" + "&".join(keys) if keys else "")


def _crawl(client: Client, start: str, *, depth: int = 2) -> dict[str, list[str]]:
    """GET the start page, every internal link on it and on the pages it links to
    (one page of each shape); what is wrong, by URL."""
    problems: dict[str, list[str]] = {}
    first = client.get(start, follow=True)
    assert first.status_code == 200, (start, first.status_code)
    home = first.request["PATH_INFO"]
    shapes = {_shape(home)}
    frontier = [u for u in map(_internal, _parse(first.content.decode()).links) if u]
    for _level in range(depth):
        found = []
        for url in frontier:
            if _shape(url) in shapes:
                continue
            shapes.add(_shape(url))
            r = client.get(url)
            issues = []
            if r.status_code >= 400:
                issues.append(f"answers {r.status_code}")
            elif r.status_code < 300 and r.get("Content-Type", "").startswith("text/html"):
                page = _parse(r.content.decode())
                words = sorted(set(RAW_CODE.findall(" ".join(page.text))))
                if words:
                    issues.append(f"raw codes {words}")
                found.extend(u for u in map(_internal, page.links) if u)
            if issues:
                problems[url] = issues
        frontier = found
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("username", [u[0] for u in DEMO_USERS])
def test_every_link_of_the_start_page_and_menu_works_and_speaks_chinese(demo, username):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(User.objects.get(username=username))
    with translation.override("zh-hans"):
        problems = _crawl(client, "/")
    assert problems == {}


@pytest.mark.django_db
def test_the_raw_code_pattern_finds_codes_and_spares_prose(db):
    text = "状态 pass_up 已上报 meeting_decision; e-mail a_b.pdf http://x/y_z 2026"
    assert RAW_CODE.findall(text) == ["pass_up", "meeting_decision"]
