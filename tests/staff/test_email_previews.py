"""One branded, accessible HTML layout for every email, with a plain-text twin, and a
staff page previewing every kind with realistic data."""

import re

import pytest
from django.core import mail

from staff.emails.previews import previews

pytestmark = pytest.mark.django_db


def test_every_email_kind_has_the_branded_layout_and_a_text_twin(settings):
    settings.CREDENTIAL_ISSUER_NAME = "Scrum Credentials Office"
    kinds = previews()
    assert len({p.name for p in kinds}) >= 15  # every template, and allauth's two
    for p in kinds:
        html, text = p.email.body_html, p.email.body_text
        assert html.startswith("<!doctype html>"), p.name
        assert "Scrum Credentials Office" in html, p.name  # the organisation, as text
        assert re.search(r'<img src="[^"]+/static/emails/badge[^"]*\.png" [^>]*alt=""', html)
        assert 'name="color-scheme" content="light dark"' in html
        assert "prefers-color-scheme: dark" in html
        assert text.strip() and "<p>" not in text, p.name
        words = set(re.findall(r"[A-Za-z]{5,}", re.sub(r"https?://\S+", "", text)))
        visible = re.sub(r"<[^>]+>", " ", html)
        assert len([w for w in words if w in visible]) >= 0.8 * len(words), p.name


def test_only_optional_emails_say_how_to_unsubscribe():
    for p in previews():
        assert ("Unsubscribe from the optional reminders" in p.email.body_html) == p.optional


def test_staff_preview_every_email(staff_client):
    page = staff_client.get("/staff/emails/previews/")
    assert page.status_code == 200
    assert page.text.count('class="card mb-4"') == len(previews())
    assert "Expiry-day notice (mandatory)" in page.text
    html = staff_client.get("/staff/emails/previews/3/html/")
    assert html.status_code == 200 and "Ada" in html.text
    assert "'unsafe-inline'" in html["Content-Security-Policy"]
    assert "script-src 'none'" in html["Content-Security-Policy"]
    assert staff_client.get("/staff/emails/previews/99/html/").status_code == 404


def test_the_previews_are_for_staff_only(practitioner_client):
    assert practitioner_client.get("/staff/emails/previews/").status_code == 403


def test_account_emails_leave_in_the_layout_too(
    client, practitioner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": practitioner.user.email})
    [message] = mail.outbox
    html = message.alternatives[0][0]
    assert "static/emails/badge" in html and "/accounts/password/reset/key/" in html
