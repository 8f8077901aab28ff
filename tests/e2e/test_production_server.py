"""The production build in a browser: against a server started the way the
docs/operations.md says (gunicorn, DJANGO_DEBUG=false, collected static files,
PostgreSQL, demo data seeded), a practitioner logs in and sees the dashboard, with no
Content-Security-Policy violation.

Skipped unless PRODUCTION_URL names that server; .ci/run starts one and sets it.
The server runs over plain HTTP with DJANGO_SECURE_SSL_REDIRECT=false and
DJANGO_SECURE_COOKIES=false (the documented switches for a build with no TLS proxy in
front); the redirect itself is covered by tests/config/test_project.py."""

import os
import urllib.request

import pytest

from demo.seed import DEMO_EMAIL, DEMO_PASSWORD
from tests.e2e.conftest import ARTIFACTS, log_in

URL = os.environ.get("PRODUCTION_URL", "").rstrip("/")

pytestmark = pytest.mark.skipif(
    not URL, reason="PRODUCTION_URL is not set: .ci/run starts gunicorn and sets it"
)


@pytest.fixture
def production_page(browser):
    def open_page(width, height):
        context = browser.new_context(base_url=URL, viewport={"width": width, "height": height})
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.csp_violations = []
        page.on(
            "console",
            lambda m: (
                page.csp_violations.append(m.text) if "Content Security Policy" in m.text else None
            ),
        )
        contexts.append(context)
        return page

    contexts = []
    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize("width,height", [(1280, 900), (375, 812)])
def test_a_practitioner_logs_in_and_sees_the_dashboard_on_the_production_server(
    production_page, width, height
):
    page = production_page(width, height)
    log_in(page, DEMO_EMAIL, DEMO_PASSWORD)
    page.wait_for_url(f"{URL}/")
    assert page.get_by_role("heading", name="Your credentials").is_visible()
    assert page.locator(".credential-card").count() >= 1
    # Bootstrap's stylesheet arrived: the navbar is styled (not a bare list).
    assert page.locator("nav.navbar").evaluate("e => getComputedStyle(e).display") == "flex"
    assert page.csp_violations == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"production-dashboard-{width}.png"), full_page=True)


def test_the_production_server_sends_hashed_static_files_and_private_pages():
    with urllib.request.urlopen(f"{URL}/accounts/login/") as response:
        html = response.read().decode()
        headers = response.headers
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] in {
        "private, no-store",
        "max-age=0, no-cache, no-store, must-revalidate, private",
    }
    # The manifest's hashed names, served by WhiteNoise with a long cache lifetime.
    css = html.split('href="/static/vendor/bootstrap/bootstrap.min.', 1)[1].split('"', 1)[0]
    with urllib.request.urlopen(f"{URL}/static/vendor/bootstrap/bootstrap.min.{css}") as static:
        assert static.status == 200
        assert "max-age=315360000" in static.headers["Cache-Control"]
