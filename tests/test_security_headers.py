"""Security headers on every page, no inline script or style, private responses, and the
request body limit."""

import datetime
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from renewals.reminders.services import unsubscribe_token
from tests.factories import (
    EVIDENCE_PDF,
    CourseFactory,
    CourseSessionFactory,
    CredentialFactory,
    EnrollmentFactory,
    PractitionerFactory,
    SeuEntryFactory,
    StaffFactory,
    TrainerFactory,
)

pytestmark = pytest.mark.django_db

PDF_BYTES = EVIDENCE_PDF


@pytest.fixture(autouse=True)
def _fixed_now():
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def world():
    """One of each: a practitioner with a credential and an SEU entry with evidence, a
    trainer with a course of one session and one attendee, and a staff member."""
    practitioner = PractitionerFactory()
    credential = CredentialFactory(holder=practitioner)
    entry = SeuEntryFactory(
        practitioner=practitioner,
        evidence=SimpleUploadedFile("proof.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    trainer = TrainerFactory()
    course = CourseFactory(trainer=trainer)
    CourseSessionFactory(course=course, position=1)
    EnrollmentFactory(course=course)
    return {
        "practitioner": practitioner.user,
        "trainer": trainer.user,
        "staff": StaffFactory(),
        "credential": credential,
        "entry": entry,
        "course": course,
        "calendar": practitioner.calendar_token,
        "unsubscribe": unsubscribe_token(practitioner),
    }


def pages(w):
    """(who, url) for every page a person opens in the browser."""
    number = w["credential"].certificate_number
    entry, course = w["entry"].pk, w["course"].pk
    return [
        (None, "/accounts/login/"),
        (None, "/accounts/signup/"),
        (None, "/accounts/password/reset/"),
        (None, f"/verify/{number}/"),
        (None, "/verify/CSPO-UNKNOWN0/"),  # the site's 404 page
        (None, f"/renewals/unsubscribe/{w['unsubscribe']}/"),
        ("practitioner", "/"),
        ("practitioner", "/seus/"),
        ("practitioner", "/seus/new/"),
        ("practitioner", f"/seus/{entry}/edit/"),
        ("practitioner", f"/seus/{entry}/delete/"),
        ("practitioner", "/profile/"),
        ("practitioner", "/renewals/"),
        ("practitioner", "/renewals/submit/"),
        ("practitioner", "/accounts/password/change/"),
        ("practitioner", "/accounts/email/"),
        ("practitioner", "/courses/"),  # the site's 403 page
        ("trainer", "/courses/"),
        ("trainer", "/courses/new/"),
        ("trainer", f"/courses/{course}/"),
        ("trainer", f"/courses/{course}/edit/"),
        ("trainer", f"/courses/{course}/attendance/"),
        ("staff", f"/courses/{course}/history/"),
        ("staff", "/staff/imports/credentials/"),
        ("staff", "/staff/imports/seus/"),
        ("staff", "/staff/reports/"),
        ("staff", "/renewals/staff/"),
        ("staff", "/admin/"),
        ("staff", "/admin/certifications/credential/"),
        ("staff", f"/admin/certifications/credential/{w['credential'].pk}/change/"),
        ("staff", "/admin/seus/seuentry/"),
    ]


def fetch(client, world, who, url):
    client.logout()
    if who:
        client.force_login(world[who])
    return client.get(url)


def directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_every_page_sends_a_strict_csp_and_the_security_headers(client, world):
    problems = []
    for who, url in pages(world):
        response = fetch(client, world, who, url)
        if response.status_code not in (200, 403, 404):
            problems.append(f"{who} {url}: status {response.status_code}")
            continue
        if "Content-Security-Policy" not in response:
            problems.append(f"{who} {url}: no Content-Security-Policy")
            continue
        csp = directives(response)
        for directive in ("script-src", "style-src"):
            sources = csp.get(directive, csp.get("default-src"))
            if "'unsafe-inline'" in sources or "'unsafe-eval'" in sources:
                problems.append(f"{who} {url}: {directive} {' '.join(sources)}")
        if csp.get("frame-ancestors") != ["'none'"] or response.get("X-Frame-Options") != "DENY":
            problems.append(f"{who} {url}: may be framed")
        expected = {
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "Cross-Origin-Opener-Policy": "same-origin",
        }
        for header, value in expected.items():
            if response.get(header) != value:
                problems.append(f"{who} {url}: {header} is {response.get(header)!r}")
    assert problems == []


INLINE = [
    # JSON data blocks (allauth's data-allauth-onload settings, json_script) are never run,
    # so CSP does not govern them; any other <script> without src is inline code.
    (
        re.compile(
            r"<script\b(?![^>]*\bsrc=)(?![^>]*\btype=\"application/json\")[^>]*>(?!\s*</script>)",
            re.I,
        ),
        "inline <script>",
    ),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_page_of_ours_has_inline_script_or_style(client, world):
    """The strict CSP would block them: every page must work without."""
    problems = []
    for who, url in pages(world):
        if url.startswith("/admin/"):
            continue  # Django's own admin templates
        html = fetch(client, world, who, url).content.decode()
        problems += [f"{who} {url}: {what}" for pattern, what in INLINE if pattern.search(html)]
    assert problems == []


def test_scripts_and_stylesheets_carry_the_nonce_the_header_allows(practitioner_client):
    response = practitioner_client.get("/")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    html = response.content.decode()
    tags = re.findall(r"<(?:script|link rel=\"stylesheet\")[^>]*>", html)
    assert tags
    assert all(f'nonce="{nonce}"' in tag for tag in tags)


def test_the_nonce_changes_with_every_response(practitioner_client):
    first = practitioner_client.get("/")["Content-Security-Policy"]
    second = practitioner_client.get("/")["Content-Security-Policy"]
    assert re.search(r"'nonce-[^']+'", first)
    assert first != second


# --- Cache-Control: private, no-store ---------------------------------------------------


def private_downloads(w):
    number = w["credential"].certificate_number
    return [
        ("practitioner", "/"),
        ("practitioner", reverse("seus:export")),
        ("practitioner", reverse("seus:evidence", args=[w["entry"].pk])),
        ("practitioner", reverse("credential_certificate", args=[number])),
        (None, reverse("calendar_feed", args=[w["calendar"]])),
        ("staff", reverse("staff_report_courses_csv")),
        ("staff", reverse("staff_report_credentials_csv")),
        ("staff", reverse("staff_renewals_expiring_csv") + "?within=90"),
    ]


def test_dashboard_exports_certificate_calendar_and_evidence_are_never_stored(client, world):
    seen = {}
    for who, url in private_downloads(world):
        response = fetch(client, world, who, url)
        assert response.status_code == 200, url
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
        seen[url] = {"private", "no-store"} <= directives
    assert seen == dict.fromkeys(seen, True)


# --- Request body limit ------------------------------------------------------------------


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_a_body_over_the_limit_is_refused_with_413_before_it_is_read(practitioner_client, settings):
    settings.MAX_REQUEST_BYTES = 6 * 1024 * 1024
    response = practitioner_client.generic(
        "POST",
        reverse("seus:create"),
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(100 * 1024 * 1024),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    assert response["Connection"] == "close"
    html = response.content.decode()
    assert "This upload is too large" in html
    assert "at most 6 MB" in html
    assert 'class="navbar' in html  # the site's layout
    assert "Content-Security-Policy" in response


def test_a_body_within_the_limit_reaches_the_form(practitioner_client, settings):
    settings.MAX_REQUEST_BYTES = 1024
    response = practitioner_client.post(reverse("seus:create"), {"activity": "x"})
    assert response.status_code == 200  # the form, with its errors
    assert "This upload is too large" not in response.content.decode()


def test_the_limit_defaults_a_little_above_the_evidence_limit(settings):
    from django.conf import settings as live

    assert live.EVIDENCE_MAX_BYTES < live.MAX_REQUEST_BYTES <= live.EVIDENCE_MAX_BYTES + 2**20
