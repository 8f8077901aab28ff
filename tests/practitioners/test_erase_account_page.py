"""The erase page: a practitioner confirms with their password, and a code when they
have a second factor; a wrong one erases nothing and says so beside the field. Staff
and trainers are told who closes their accounts."""

import pytest
from django.urls import reverse

from cspo_tracker.privacy.models import Retirement
from tests.factories import PASSWORD, PractitionerFactory, activate_totp, totp_code

pytestmark = pytest.mark.django_db

URL = reverse("erase_account")


def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_profile_offers_the_download_and_the_erasure(practitioner_client):
    page = practitioner_client.get(reverse("profile")).content.decode()
    assert f'action="{reverse("data_export")}"' in page
    assert f'href="{URL}"' in page


def test_the_page_says_what_goes_and_what_the_registry_keeps(practitioner_client):
    page = practitioner_client.get(URL).content.decode()
    assert "What is erased, at once and for good" in page
    assert "What the registry keeps, without your name" in page
    assert 'name="password"' in page
    assert 'name="code"' not in page  # no second factor set up


def test_the_right_password_erases_the_account_and_signs_out(
    client, practitioner, django_capture_on_commit_callbacks
):
    signed_in(client, practitioner.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"password": PASSWORD, "understood": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_erased")
    assert Retirement.objects.get(user=practitioner.user).is_complete
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("dashboard")).status_code == 302  # to the login page
    assert "Your account is erased" in client.get(reverse("account_erased")).content.decode()


def test_a_wrong_password_erases_nothing_and_says_so(client, practitioner):
    signed_in(client, practitioner.user)
    response = client.post(URL, {"password": "not-my-password", "understood": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert not Retirement.objects.exists()


def test_the_box_must_be_ticked(client, practitioner):
    signed_in(client, practitioner.user)
    response = client.post(URL, {"password": PASSWORD})
    assert response.context["form"].errors["understood"]
    assert not Retirement.objects.exists()


def test_with_a_second_factor_its_code_is_needed_too(client, django_capture_on_commit_callbacks):
    practitioner = PractitionerFactory()
    activate_totp(practitioner.user)
    signed_in(client, practitioner.user)
    assert 'name="code"' in client.get(URL).content.decode()
    for code in ("", "000000"):
        response = client.post(URL, {"password": PASSWORD, "code": code, "understood": "on"})
        assert response.context["form"].errors["code"], code
    assert not Retirement.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"password": PASSWORD, "code": totp_code(), "understood": "on"})
    assert response["Location"] == reverse("account_erased")
    assert Retirement.objects.get(user=practitioner.user).is_complete


def test_a_recovery_code_serves_as_the_second_factor(client, django_capture_on_commit_callbacks):
    practitioner = PractitionerFactory()
    recovery = activate_totp(practitioner.user)
    signed_in(client, practitioner.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            URL,
            {"password": PASSWORD, "code": recovery.get_unused_codes()[0], "understood": "on"},
        )
    assert Retirement.objects.get(user=practitioner.user).is_complete


@pytest.mark.parametrize("who", ["staff", "trainer"])
def test_staff_and_trainers_are_told_who_closes_their_account(who, client, staff_user, trainer):
    user = staff_user if who == "staff" else trainer.user
    signed_in(client, user)
    page = client.get(URL).content.decode()
    assert 'id="erase-refused"' in page
    assert 'name="password"' not in page
    client.post(URL, {"password": PASSWORD, "code": totp_code(), "understood": "on"})
    assert not Retirement.objects.exists()
