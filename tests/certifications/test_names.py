"""Every holder gives a name; no certificate or verification page
prints an email address in its place."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from certifications.models import Practitioner
from cspo_tracker.outbox import services as outbox
from tests.factories import CredentialFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-long-new-password-2026"


def test_sign_up_asks_first_and_last_name_and_refuses_without_them(client):
    page = client.get(reverse("account_signup")).content.decode()
    assert 'name="first_name"' in page and 'name="last_name"' in page
    response = client.post(
        reverse("account_signup"),
        {"email": "nameless@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter your first name." in page and "Enter your last name." in page


def test_sign_up_stores_the_name_given(client, django_user_model):
    client.post(
        reverse("account_signup"),
        {
            "email": "ada@example.com",
            "first_name": "  Ada ",
            "last_name": "Lovelace",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    user = django_user_model.objects.get(email="ada@example.com")
    assert (user.first_name, user.last_name) == ("Ada", "Lovelace")


@pytest.mark.parametrize(
    ("posted", "stored"),
    [("America/Sao_Paulo", "America/Sao_Paulo"), (None, "UTC")],
)
def test_sign_up_stores_the_time_zone_chosen_or_utc(client, posted, stored):
    data = {
        "email": "zone@example.com",
        "first_name": "Zoe",
        "last_name": "Zone",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    if posted:
        data["time_zone"] = posted
    page = client.get(reverse("account_signup")).content.decode()
    assert 'data-detect="select"' in page and "js/timezone" in page
    assert 'value="Etc/GMT+5"' not in page  # real places only
    client.post(reverse("account_signup"), data)
    assert Practitioner.objects.get(user__email="zone@example.com").time_zone == stored


def test_sign_up_refuses_a_time_zone_that_is_no_place(client, django_user_model):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "nowhere@example.com",
            "first_name": "No",
            "last_name": "Where",
            "time_zone": "Mars/Olympus_Mons",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not django_user_model.objects.filter(email="nowhere@example.com").exists()


def test_a_logged_in_user_without_a_name_is_asked_for_it_before_anything_else(client):
    user = UserFactory(first_name="", last_name="")
    client.force_login(user)
    response = client.get(reverse("seus:list"))
    assert response.status_code == 302
    assert response.url == reverse("name_required") + "?next=%2Fseus%2F"
    # Logging out, static files and the form itself stay open.
    assert client.get(reverse("name_required")).status_code == 200
    assert client.get(reverse("account_logout")).status_code == 200
    response = client.post(
        reverse("name_required"), {"first_name": "Grace", "last_name": "", "next": "/seus/"}
    )
    assert response.status_code == 200 and "Enter your last name." in response.content.decode()
    response = client.post(
        reverse("name_required"), {"first_name": "Grace", "last_name": "Hopper", "next": "/seus/"}
    )
    assert response.status_code == 302 and response.url == "/seus/"
    assert client.get(reverse("seus:list")).status_code == 200


def test_the_name_form_never_redirects_off_site(client):
    client.force_login(UserFactory(first_name="", last_name=""))
    response = client.post(
        reverse("name_required"),
        {"first_name": "Grace", "last_name": "Hopper", "next": "https://evil.example/"},
    )
    assert response.url == reverse("dashboard")


def test_an_invited_person_gives_their_name_when_setting_a_password(client):
    from certifications.courses.services import enqueue_invitation
    from tests.factories import EnrollmentFactory

    enrollment = EnrollmentFactory(
        practitioner__user__first_name="", practitioner__user__last_name=""
    )
    user = enrollment.practitioner.user
    user.set_unusable_password()
    user.save()
    enqueue_invitation(enrollment)
    outbox.deliver_due()
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mail.outbox[-1].body)[0]
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get(path, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    assert 'name="first_name"' in form_page.content.decode()
    refused = client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert "Enter your first name." in refused.content.decode()
    client.post(
        action,
        {
            "first_name": "Katherine",
            "last_name": "Johnson",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    user.refresh_from_db()
    assert user.get_full_name() == "Katherine Johnson"
    assert user.check_password(NEW_PASSWORD)


def test_no_certificate_is_printed_with_an_email_in_place_of_the_name(client):
    credential = CredentialFactory(holder__user__first_name="", holder__user__last_name="")
    staff = StaffFactory()
    client.force_login(staff)
    response = client.get(reverse("credential_certificate", args=[credential.certificate_number]))
    assert response.status_code == 409
    assert "has not given it yet" in response.content.decode()
    assert credential.holder.user.email not in response.content.decode()


def test_the_verification_page_shows_no_email_for_a_holder_without_a_name(client):
    credential = CredentialFactory(holder__user__first_name="", holder__user__last_name="")
    page = client.get(reverse("verify_credential", args=[credential.certificate_number]))
    text = page.content.decode()
    assert credential.holder.user.email not in text
    assert "(name not given)" not in text
    assert "Not yet confirmed by the holder" in text


def test_the_pdf_prints_the_holders_name(client):
    credential = CredentialFactory(
        holder__user__first_name="Fiona", holder__user__last_name="Fresh"
    )
    client.force_login(credential.holder.user)
    pdf = client.get(reverse("credential_certificate", args=[credential.certificate_number]))
    assert pdf.status_code == 200
    body = pdf.content
    assert b"Fiona Fresh" in body
    assert credential.holder.user.email.encode() not in body


@pytest.mark.parametrize("typed", ["Love\ue000lace", "Love\x07lace", "Love\U000f0000lace"])
def test_a_name_with_a_character_no_certificate_can_print_is_refused(client, typed):
    user = UserFactory(first_name="", last_name="")
    client.force_login(user)
    response = client.post(reverse("name_required"), {"first_name": "Ada", "last_name": typed})
    assert response.status_code == 200
    assert "can be printed on a certificate" in response.content.decode()
    user.refresh_from_db()
    assert user.last_name == ""


def test_names_in_other_scripts_and_with_joiners_are_kept(client):
    user = UserFactory(first_name="", last_name="")
    client.force_login(user)
    client.post(reverse("name_required"), {"first_name": "مهرداد", "last_name": "می\u200cخواهم"})
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("مهرداد", "می\u200cخواهم")
