"""Emails speak the recipient's language, whoever or whatever sends them."""

import datetime
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.utils import translation

from cspo_tracker import i18n
from cspo_tracker.outbox import emails
from renewals import tasks
from staff.emails import previews
from tests.factories import PractitionerFactory, credential_expiring

EXPIRES = datetime.date(2026, 6, 30)
LANGUAGES = ["en", "de", "es", "pt-br", "ja"]


@pytest.fixture
def languages_while_rendering(monkeypatch):
    """The active language each time an email is rendered, in the real render path."""
    seen = []
    real = emails.render_to_string

    def spy(template_name, *args, **kwargs):
        seen.append((template_name, translation.get_language()))
        return real(template_name, *args, **kwargs)

    monkeypatch.setattr(emails, "render_to_string", spy)
    return seen


def test_a_reminder_from_the_sweep_is_written_in_the_holders_language(
    db, django_capture_on_commit_callbacks
):
    holder = PractitionerFactory(user__language="de")
    credential_expiring(EXPIRES, holder=holder)
    when = datetime.datetime(2026, 5, 31, 12, tzinfo=datetime.UTC)
    with (
        translation.override("en"),  # the worker's own language
        time_machine.travel(when, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.daily_sweep.delay().get()
        assert translation.get_language() == "en"
    assert len(mail.outbox) == 1
    # The deadline in German's own date form, and German words from the catalog.
    assert "30.06.2026" in mail.outbox[0].body
    assert mail.outbox[0].body.startswith("Hallo ")


def test_an_address_without_a_choice_gets_the_fallback_or_the_default(db):
    assert i18n.language_for_address("nobody@example.com") == "en"
    assert i18n.language_for_address("nobody@example.com", fallback="pt") == "pt-br"
    holder = PractitionerFactory(user__language="ja")
    assert i18n.language_for_address(holder.user.email.upper(), fallback="de") == "ja"


def test_an_account_email_goes_out_in_the_recipients_language(
    client, db, django_capture_on_commit_callbacks, languages_while_rendering
):
    holder = PractitionerFactory(user__language="ja")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/password/reset/",
            {"email": holder.user.email},
            headers={"accept-language": "de"},
        )
    assert len(mail.outbox) == 1
    # Asked from a German page, written in the Japanese the account chose.
    assert languages_while_rendering == [("emails/_text_in_layout.html", "ja")]


def _kinds():
    root = Path(__file__).resolve().parents[2] / "templates" / "emails"
    names = sorted(p.name.removesuffix("_subject.txt") for p in root.glob("*_subject.txt"))
    return [*names, "email_confirmation", "password_reset_key"]


_rendered = {}


def _previews(language):
    if language not in _rendered:
        with translation.override(language):
            _rendered[language] = {p.name: p.email for p in previews.previews()}
    return _rendered[language]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", _kinds())
def test_every_email_kind_renders_in_every_language(db, kind, language):
    rendered = _previews(language)
    assert kind in rendered, f"{kind} has no preview (staff/emails/previews.py)"
    email = rendered[kind]
    assert email.subject.strip() and email.body_text.strip() and email.body_html.strip()


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
@pytest.mark.parametrize("kind", _kinds())
def test_every_email_kind_reads_differently_from_english(db, kind, language):
    english, other = _previews("en")[kind], _previews(language)[kind]
    assert other.subject != english.subject
    assert other.body_text != english.body_text
