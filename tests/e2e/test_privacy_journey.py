"""A practitioner with a second factor downloads everything held about them from their
profile, then erases their account with their password and a recovery code: they are
signed out, cannot sign in again, and /verify/ shows their certificate without their
name."""

import datetime
import json
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from seus.models import SeuCategory
from seus.services import create_seu_entry
from tests.factories import (
    EVIDENCE_PDF,
    PASSWORD,
    CredentialFactory,
    PractitionerFactory,
    activate_totp,
)

from .conftest import log_in

PDF = EVIDENCE_PDF
WIDER_THAN_THE_SCREEN = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).length"""


def test_a_practitioner_downloads_their_data_then_erases_their_account(page, screenshot):
    today = timezone.now().date()
    practitioner = PractitionerFactory(
        user__first_name="Grace",
        user__last_name="Hopper",
        user__email="grace@example.com",
    )
    recovery = activate_totp(practitioner.user)
    credential = CredentialFactory(
        holder=practitioner, issued_on=today - datetime.timedelta(days=100)
    )
    create_seu_entry(
        practitioner=practitioner,
        earned_on=today - datetime.timedelta(days=10),
        category=SeuCategory.objects.get(code="C"),
        activity="Compiler meetup",
        seus=3,
        evidence=SimpleUploadedFile("attendance.pdf", PDF, content_type="application/pdf"),
    )

    log_in(page, "grace@example.com", PASSWORD)
    page.goto("/profile/")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my data").click()
    download = download_info.value
    assert download.suggested_filename == f"cspo-tracker-data-{today:%Y-%m-%d}.zip"
    zipped = zipfile.ZipFile(download.path())
    profile = json.loads(zipped.read("profile/profile.json"))
    assert profile["account"]["email"] == "grace@example.com"
    [entry] = json.loads(zipped.read("seus/entries.json"))
    assert entry["activity"] == "Compiler meetup"
    assert zipped.read(entry["evidence"]) == PDF
    [signed] = [n for n in zipped.namelist() if n.startswith("credentials/signed/")]
    assert json.loads(zipped.read(signed))["credentialSubject"]["name"] == "Grace Hopper"

    page.get_by_role("link", name="erase your account").click()
    page.wait_for_url("**/profile/erase/")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate(WIDER_THAN_THE_SCREEN) == 0
    screenshot("erase-account-375")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(
        recovery.get_unused_codes()[0]
    )
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Erase my account").click()
    page.wait_for_url("**/account-erased/")
    assert "Your account is erased" in page.content()
    screenshot("account-erased")

    page.goto(f"/verify/{credential.certificate_number}/")
    holder = page.locator("#holder-erased").inner_text()
    assert "the holder erased their account" in holder
    assert "Hopper" not in page.content()
    assert credential.certificate_number in page.content()

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
    page.goto("/profile/")
    assert "/accounts/login/" in page.url
