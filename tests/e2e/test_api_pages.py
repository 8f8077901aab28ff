"""The API's browser pages: Swagger UI renders under the strict CSP (files from this
site only), and a practitioner makes a token on their profile, uses it and revokes it."""

import os

import pytest

from tests.factories import PASSWORD, PractitionerFactory

from .conftest import log_in

SHOTS = os.environ.get("API_SHOTS_DIR")

pytestmark = pytest.mark.django_db(transaction=True)


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_swagger_ui_renders_under_the_csp(page, live_server):
    violations, requests = [], []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on("request", lambda r: requests.append(r.url))
    response = page.goto("/api/v1/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 17
    assert page.get_by_text("CSPO Tracker API").first.is_visible()
    page.locator(".opblock-summary-path", has_text="/api/v1/seus").first.click()
    page.get_by_text("earned_from").first.wait_for()
    _shot(page, "docs-1280")
    assert violations == []
    assert all(url.startswith(live_server.url) for url in requests), requests


def test_a_practitioner_makes_uses_and_revokes_a_token(page, live_server):
    user = PractitionerFactory(user__email="ada@example.com").user
    log_in(page, user.email, PASSWORD)
    page.goto("/profile/")
    page.get_by_role("link", name="Manage API tokens").click()
    page.get_by_label("Name").fill("LMS sync")
    page.get_by_label("seus:read", exact=False).check()
    page.get_by_role("button", name="Make token").click()
    secret = page.get_by_label("New token").input_value()
    assert secret.startswith("cspo_")
    _shot(page, "tokens-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    _shot(page, "tokens-375")
    api = page.context.request
    me = api.get(f"{live_server.url}/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status == 200 and me.json()["email"] == "ada@example.com"
    page.reload()
    assert secret not in page.content()
    page.get_by_role("link", name="Revoke LMS sync").click()
    page.get_by_text("Every program using it gets 401").wait_for()
    page.get_by_role("button", name="Revoke token").click()
    page.get_by_text("no longer works").wait_for()
    again = api.get(f"{live_server.url}/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert again.status == 401
