"""Browser tests: Playwright for Python driving Debian's chromium (never a downloaded one)
against the live test server, with axe-core from npm for accessibility checks."""

import os
from pathlib import Path

import pytest

from tests.accounts.factories import authenticator_code

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "site" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; Django must allow ORM calls here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright_browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run `make install`.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_context(playwright_browser):
    context = playwright_browser.new_context(viewport={"width": 360, "height": 740})
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    page = browser_context.new_page()
    page.set_default_timeout(15000)
    yield page
    page.close()


@pytest.fixture
def axe():
    """Run axe-core on the page; return the serious and critical violations."""

    def run(page, *, exclude: list[str] | None = None):
        # Evaluated through the DevTools protocol, so the page's Content Security Policy
        # (which forbids injected scripts, as it should) stays on for the test.
        page.evaluate(AXE.read_text())
        result = page.evaluate(
            """async (exclude) => {
                const context = exclude && exclude.length
                    ? {exclude: exclude.map(s => [s])} : document;
                const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
                const r = await axe.run(context, {runOnly: tags});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
            }""",
            exclude or [],
        )
        return [v for v in result if v["impact"] in ("serious", "critical")]

    return run


def totp_code(username: str) -> str:
    """The current code of this person's TOTP authenticator."""
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator

    authenticator = Authenticator.objects.get(user__username=username, type="totp")
    secret = get_adapter().decrypt(authenticator.data["secret"])
    return authenticator_code(secret)


@pytest.fixture
def login(live_server):
    """Sign in through the real form: ``login(page, username, password)``."""

    def sign_in(page, username, password, language="en"):
        page.goto(f"{live_server.url}/{language}/accounts/login/")
        page.fill("input[name=login]", username)
        page.fill("input[name=password]", password)
        page.click("form [type=submit]")
        page.wait_for_load_state()
        if "/2fa/authenticate/" in page.url:
            # People with TOTP type the code of their authenticator app.
            page.fill("input[name=code]", totp_code(username))
            page.click("form [type=submit]")
            page.wait_for_load_state()

    return sign_in
