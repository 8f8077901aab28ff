"""allauth's pages and emails speak the product's sentence case ("Verify your email
address", "Remember me"), not allauth's Title Case."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from cspo_tracker.outbox import services as outbox
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-new-passphrase-42"


def headings_and_buttons(response):
    """The title, headings and button labels of a page, whitespace collapsed."""
    html = response.content.decode()
    found = re.findall(r"<(title|h1|h2|button|a)\b[^>]*>(.*?)</\1>", html, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", text).split()) for _, text in found]


def title_cased(texts):
    """Labels of two or more words that capitalise every word ("Change Password")."""
    return [
        text
        for text in texts
        if len(words := re.findall(r"[A-Za-z]+", text.split("·")[0])) >= 2
        and all(word[0].isupper() for word in words)
        and not any(word.isupper() and len(word) > 1 for word in words)
    ]


def test_signing_up_says_verify_your_email_address_in_sentence_case(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new.person@example.com",
            "first_name": "New",
            "last_name": "Person",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
        follow=True,
    )
    content = response.content.decode()
    assert "Verify your email address" in content
    assert "Verify Your Email Address" not in content

    outbox.deliver_due()
    assert mail.outbox[0].subject == "[CSPO Tracker] Please confirm your email address"


def test_the_login_form_offers_remember_me_in_sentence_case(client):
    content = client.get(reverse("account_login")).content.decode()
    assert "Remember me" in content
    assert "Remember Me" not in content


@pytest.mark.parametrize(
    "name",
    [
        "account_email",
        "account_change_password",
        "account_reauthenticate",
        "mfa_index",
        "mfa_activate_totp",
        "mfa_generate_recovery_codes",
    ],
)
def test_account_and_two_factor_pages_have_no_title_case_labels(client, name):
    client.force_login(UserFactory())
    # The authenticator pages ask for the password again first.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert title_cased(headings_and_buttons(response)) == []


def test_password_reset_pages_have_no_title_case_labels(client):
    assert title_cased(headings_and_buttons(client.get(reverse("account_reset_password")))) == []
    assert (
        title_cased(headings_and_buttons(client.get(reverse("account_reset_password_done")))) == []
    )
