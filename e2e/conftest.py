"""End-to-end harness: Playwright driving Debian's Chromium against pytest-django's live server.

The browser is the distribution's (/usr/bin/chromium, or the path in XINFANG_CHROMIUM),
never one downloaded by `playwright install`: the CI machines and the government
intranets this runs on have no route to Playwright's download servers.
"""

import os
import re
from pathlib import Path

import pytest
from django.utils import translation

# Playwright's sync API runs an asyncio event loop in the main thread, so Django's
# async-safety check sees a "running loop" and refuses every ORM call the test makes
# (SynchronousOnlyOperation). The test code itself is plain synchronous code, so the
# check is a false alarm here; it stays on everywhere else.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS = E2E_DIR / "artifacts"
# The screenshots linked from the README are written to docs/screenshots/ only when
# asked (UPDATE_SCREENSHOTS=1 make test), so that a test run never changes the tree.
DOC_SCREENSHOTS = (
    E2E_DIR.parent / "docs" / "screenshots" if os.environ.get("UPDATE_SCREENSHOTS") else ARTIFACTS
)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NO_CHROMIUM = (
    "Debian's chromium is not installed: apt-get install chromium (the CI script installs it)"
)
TIMEOUT_MS = 10_000
# A PDF is rendered on request (a Chinese font embedded): on a loaded CI machine that
# takes longer than a page; downloads wait this long.
PDF_MS = 60_000


def pytest_collection_modifyitems(items):
    """Every test under e2e/ is an e2e test (`-m "not e2e"` leaves the browser out)."""
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Kept on the item so the page fixtures can screenshot a failed test.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    executable = os.environ.get("XINFANG_CHROMIUM") or CHROMIUM
    if not os.access(executable, os.X_OK):
        pytest.skip(f"{NO_CHROMIUM} [no executable at {executable}]")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        pytest.skip(f"{NO_CHROMIUM} [playwright cannot be imported: {exc}]")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def base_url(live_server):
    return live_server.url


def _page(browser, request, **context_options):
    context = browser.new_context(**context_options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    # Every page of every browser test runs under the Content-Security-Policy; a
    # script, style or handler it blocks is logged to the console, and fails the test.
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.csp_violations = violations
    yield page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        save_screenshot(page, f"FAILED-{request.node.name}")
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def phone_page(browser, request):
    """A phone (390x844, touch, 2x) in a fresh context: no cookies shared between tests."""
    yield from _page(
        browser,
        request,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        locale="zh-CN",
    )


@pytest.fixture
def desktop_page(browser, request):
    yield from _page(browser, request, viewport={"width": 1280, "height": 800}, locale="zh-CN")


def save_screenshot(page, name: str) -> Path:
    """Save the whole page to e2e/artifacts/<name>.png (the folder is gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / (re.sub(r"[^\w.-]+", "_", name) + ".png")
    page.screenshot(path=str(path), full_page=True)
    return path


def zh(text: str) -> str:
    """The Chinese of an English msgid, as the pages show it."""
    with translation.override("zh-hans"):
        return translation.gettext(text)


def shoot(page, name: str, *, full_page: bool = False) -> Path:
    """A screenshot for the docs (docs/screenshots/ with UPDATE_SCREENSHOTS=1, else
    e2e/artifacts/), in 256 colours and under 200 kB."""
    DOC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = DOC_SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    # 256 colours are plenty for a form and keep the committed file small.
    from PIL import Image

    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=256).save(path, optimize=True)
    assert path.stat().st_size < 200_000, f"{path.name} is {path.stat().st_size} bytes"
    return path


def login(page, base_url: str, username: str, password: str):
    """Log in through the login form, as a person would; returns the answer to the POST."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation() as navigation:
        page.click("main form button[type=submit]")
    return navigation.value


@pytest.fixture(name="save_screenshot")
def save_screenshot_fixture():
    return save_screenshot


@pytest.fixture(name="login")
def login_fixture():
    return login
