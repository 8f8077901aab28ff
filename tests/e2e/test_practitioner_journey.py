"""A practitioner's whole journey in a real browser: sign up, confirm the address, log in,
log SEUs and watch the dashboard move, edit and delete an entry, export the CSV."""

import csv
import datetime
import re

from django.core import mail
from django.utils import timezone

from certifications.services import get_or_create_practitioner
from tests.factories import CredentialFactory

from .conftest import log_in

EMAIL = "journey@example.com"
PASSWORD = "a-long-unusual-passphrase-42"
WIDER_THAN_THE_SCREEN = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => e.tagName + '.' + e.className).slice(0, 5)"""


def progress_text(page):
    return page.locator(".seu-progress").first.inner_text().strip()


def log_seus(page, *, earned_on, activity, seus, category="E: "):
    page.goto("/seus/new/")
    page.get_by_label("Date earned").fill(earned_on.isoformat())
    page.get_by_label("Category").select_option(
        label=page.locator("#id_category option", has_text=category).first.inner_text()
    )
    page.get_by_label("Activity title").fill(activity)
    page.get_by_label("SEUs (hours)").fill(seus)
    page.get_by_role("button", name="Log SEUs").click()
    page.wait_for_url("**/seus/")
    assert f"Logged {seus} SEUs: {activity}." in page.content()


def test_a_practitioner_signs_up_logs_seus_and_exports_them(page, screenshot):
    today = timezone.now().date()

    # Sign up, then confirm the address from the link in the email.
    page.goto("/accounts/signup/")
    page.locator("#id_email").fill(EMAIL)
    page.get_by_label("First name").fill("Jo")
    page.get_by_label("Last name").fill("Journey")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Sign up", exact=True).click()
    page.wait_for_url("**/accounts/confirm-email/")
    [message] = mail.outbox
    link = re.search(r"https?://\S+", message.body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    page.get_by_role("button", name="Confirm").click()

    # Staff issued a CSPO a hundred days ago (its renewal window is open).
    practitioner, _ = get_or_create_practitioner(email=EMAIL)
    credential = CredentialFactory(
        holder=practitioner, issued_on=today - datetime.timedelta(days=100)
    )

    log_in(page, EMAIL, PASSWORD)
    page.wait_for_url("**/")
    assert credential.certificate_number in page.content()
    assert progress_text(page) == "0 / 20"

    for days_ago, activity, seus in [
        (1, "Book club", "2"),
        (2, "Webinar", "1.5"),
        (3, "Meetup", "3"),
    ]:
        log_seus(
            page, earned_on=today - datetime.timedelta(days=days_ago), activity=activity, seus=seus
        )

    page.goto("/")
    assert progress_text(page) == "6.5 / 20"
    assert "Log 13.5 more SEUs before" in page.locator(".next-action").inner_text()

    # Edit one entry.
    page.goto("/seus/")
    page.get_by_role("link", name="Edit Webinar").click()
    page.get_by_label("SEUs (hours)").fill("2.5")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url("**/seus/")

    # Delete another, after confirming.
    page.get_by_role("link", name="Delete Meetup").click()
    page.get_by_role("button", name="Delete").click()
    page.wait_for_url("**/seus/")
    assert "Deleted: Meetup." in page.content()
    screenshot("practitioner-seu-log")

    # Export the log as CSV.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    download = download_info.value
    assert download.suggested_filename == "seu-log.csv"
    with open(download.path(), newline="", encoding="utf-8") as file:
        rows = {row["activity"]: row["seus"] for row in csv.DictReader(file)}
    assert rows == {"Book club": "2.00", "Webinar": "2.50"}

    page.goto("/")
    assert progress_text(page) == "4.5 / 20"
    screenshot("practitioner-dashboard")

    # Usable on a phone: no sideways scrolling at 375 px.
    page.set_viewport_size({"width": 375, "height": 800})
    for path in ["/", "/seus/", "/seus/new/", "/profile/"]:
        page.goto(path)
        wide = page.evaluate(WIDER_THAN_THE_SCREEN)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, (path, wide)
    page.goto("/")
    screenshot("practitioner-dashboard-phone")
