"""A shared computer (a township office's, a library's): one citizen looks up
their matter, presses "forget the code on this device" and walks away; the next
person goes Back and lets the browser send the form again. The matter is the
answer to a POST, so the history holds that POST: what comes back must show
nothing of the matter."""

from urllib.parse import parse_qsl

import pytest
from playwright.sync_api import expect

from xinfang.petitions.categories import seed_categories
from xinfang.petitions.models import Category

from .conftest import ARTIFACTS, zh

RESEND = """([action, fields]) => {
    const form = document.createElement("form");
    form.method = "post";
    form.action = action;
    for (const [name, value] of fields) {
        const input = document.createElement("input");
        input.type = "hidden"; input.name = name; input.value = value;
        form.appendChild(input);
    }
    document.body.appendChild(form);
    form.submit();
}"""


@pytest.fixture
def categories(demo_tree):
    seed_categories(Category)  # a live-server test empties the database after each test


def test_back_and_resend_after_forget_shows_nothing(phone_page, base_url, categories, register):
    p = register()
    page = phone_page
    page.goto(f"{base_url}/public/track/")
    page.locator("#id_code").fill(p.query_code)
    sent = []
    page.on("request", lambda r: sent.append(r.post_data) if r.method == "POST" else None)
    page.locator("main button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(zh("My matter"))
    expect(page.locator("main")).to_contain_text(p.number)
    body = sent[0]
    assert "issued=" in body and "csrfmiddlewaretoken=" in body

    page.locator("form.leave button").click()
    expect(page.locator("h1")).to_have_text(zh("Follow my matter"))

    # Chromium's Back to that entry stops at "Confirm form resubmission" (the page
    # was not stored: Cache-Control: no-store) and its reload sends the same body
    # with the cookies the browser holds now; the same, done by a form of that body.
    page.evaluate(RESEND, [f"{base_url}/public/track/", parse_qsl(body)])
    expect(page.locator("h1")).to_have_text(zh("This page has expired"))
    page.screenshot(path=str(ARTIFACTS / "shared-computer-resend.png"), full_page=True)
    html = page.content()
    assert p.number not in html and p.query_code not in html and p.summary not in html

    # Whoever has the code still finds the matter with a fresh page.
    page.goto(f"{base_url}/public/track/")
    page.locator("#id_code").fill(p.query_code)
    page.locator("main button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(p.number)
