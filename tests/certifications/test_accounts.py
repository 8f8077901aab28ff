"""Accounts through django-allauth and django-axes: sign-up with a confirmed email
address, log in, lock-out after repeated wrong passwords, password reset by email."""

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from certifications.models import User
from cspo_tracker.outbox import services as outbox
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-unusual-passphrase-42"


def link_in(message):
    return re.search(r"https?://\S+", message.body).group(0)


def test_a_visitor_signs_up_confirms_their_address_and_reaches_the_dashboard(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "New.Person@example.com",
            "first_name": "New",
            "last_name": "Person",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.com")
    assert outbox.deliver_due() == (1, 0)  # account emails go through the outbox too
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new.person@example.com"]

    # Not confirmed yet: logging in sends a confirmation again instead of letting them in.
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "new.person@example.com", "password": NEW_PASSWORD}
    )
    assert "_auth_user_id" not in client.session

    confirm_path = re.sub(r"^https?://[^/]+", "", link_in(mail.outbox[0]))
    response = client.post(confirm_path)
    assert response.status_code == 302
    assert user.emailaddress_set.get().verified

    response = client.post(
        reverse("account_login"),
        {"login": "new.person@example.com", "password": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert "You hold no credential yet" in response.content.decode()


def test_signup_pages_use_the_sites_layout(client):
    content = client.get(reverse("account_signup")).content.decode()
    assert "vendor/bootstrap/bootstrap.min.css" in content
    assert 'class="navbar' in content
    assert "csrfmiddlewaretoken" in content


def test_a_wrong_password_shows_a_clear_error(client):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_repeated_wrong_passwords_lock_the_account_with_a_clear_message(client, settings):
    user = UserFactory()
    responses = [
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert responses[-1].status_code == 429
    assert "Too many failed login attempts" in responses[-1].content.decode()
    assert AccessAttempt.objects.get().username == user.email

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_forgotten_password_is_reset_by_email(client):
    user = UserFactory()
    client.post(reverse("account_reset_password"), {"email": user.email})
    assert outbox.deliver_due() == (1, 0)
    assert len(mail.outbox) == 1
    reset_path = re.sub(r"^https?://[^/]+", "", link_in(mail.outbox[0]))
    form_page = client.get(reset_path, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset_path
    client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_logged_in_practitioner_changes_their_password(client):
    user = UserFactory()
    client.force_login(user)
    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
