"""A staff member sets up a passkey (WebAuthn) and signs in with it alone, in Chromium
with a virtual authenticator standing in for a phone or security key."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.factories import PASSWORD, StaffFactory


def test_a_staff_member_adds_a_passkey_and_signs_in_with_it(page, settings):
    # The live server is plain http://localhost; production serves HTTPS.
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    staff = StaffFactory(totp=False, email="ada@example.com")
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )

    csp_violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and csp_violations.append(message.text)
        ),
    )
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.goto("/staff/reports/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))

    page.goto("/accounts/2fa/webauthn/add/")
    # allauth asks for the password again before a factor is added.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/webauthn/add/"))
    page.get_by_label("Passwordless").check()
    page.get_by_role("button", name="Add").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))

    page.goto("/staff/reports/")
    expect(page).to_have_url(re.compile(r"/staff/reports/$"))

    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Log in with a passkey").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    page.goto("/staff/reports/")
    expect(page).to_have_url(re.compile(r"/staff/reports/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert csp_violations == []  # allauth's passkey scripts run under the strict CSP
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "passkey-signed-in.png"), full_page=True)
