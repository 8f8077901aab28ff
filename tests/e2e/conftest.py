"""Browser tests: Playwright for Python driving Debian's headless Chromium against
pytest-django's live server. Screenshots go to test-artifacts/."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls tests make
# alongside it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


# The one way to run the suite without a browser: say so (the skip then says why).
SKIP_BROWSER_TESTS = "CSPO_SKIP_BROWSER_TESTS"


@pytest.fixture(scope="session")
def browser():
    executable = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not executable:
        if os.environ.get(SKIP_BROWSER_TESTS) == "1" and not os.environ.get("CI"):
            pytest.skip(f"{SKIP_BROWSER_TESTS}=1 and no Chromium at {CHROMIUM}")
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium, or set "
            f"{SKIP_BROWSER_TESTS}=1 to skip the browser tests knowingly",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_context_options():
    """Extra Playwright context options for `page`; a test module overrides this fixture
    (e.g. {"timezone_id": "Europe/Berlin"})."""
    return {}


@pytest.fixture
def page(browser, live_server, settings, browser_context_options):
    settings.SITE_URL = live_server.url
    settings.ALLOWED_HOSTS = ["*"]
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        **browser_context_options,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    """screenshot("name") saves test-artifacts/name.png."""

    def take(name):
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


TOTP_MARGIN_SECONDS = 5  # typing the code and sending it take well under this


def _fresh_totp_step():
    """A time whose 30-second TOTP step has at least TOTP_MARGIN_SECONDS left. The
    server accepts only the current step (no tolerance), so a code made just before a
    step's end was refused under load; this waits for the clock to enter the next step
    instead of retrying. The live server runs in this process, on the same (maybe
    moved) clock."""
    import time

    from allauth.mfa import app_settings

    period = app_settings.TOTP_PERIOD
    now = time.time()
    left = period - now % period
    if left < TOTP_MARGIN_SECONDS:
        time.sleep(left + 0.05)  # until the next step begins
        now = time.time()
    return now


def log_in(page, email, password):
    """Log in through allauth; staff and trainers (factories: TOTP_SECRET) also type the
    authenticator code when allauth asks for it."""
    from tests.factories import totp_code

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    # Wait for the answer to the POST, not for the login page already loaded: reading
    # page.url straight after the click raced the redirect and skipped the code step.
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/accounts/2fa/authenticate/" in page.url:
        page.get_by_placeholder("Code").fill(totp_code(at=_fresh_totp_step()))
        page.get_by_role("button", name="Log in", exact=True).click()
        page.wait_for_url(lambda url: "/accounts/2fa/authenticate/" not in url)
