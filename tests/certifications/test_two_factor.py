"""Two-factor sign-in (django-allauth MFA) is required for staff and trainers."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.factories import PASSWORD, StaffFactory, TrainerFactory, activate_totp, totp_code

REPORTS = "/staff/reports/"
COURSES = "/courses/"


def log_in_with_password(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


@pytest.mark.django_db
@pytest.mark.parametrize("page", [REPORTS, COURSES, "/admin/"])
def test_a_staff_member_without_a_second_factor_is_sent_to_set_one_up(client, page):
    client.force_login(StaffFactory(totp=False))
    response = client.get(page)
    assert response.status_code == 302 and response.url == reverse("mfa_index")


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["/", "/seus/", "/profile/"])
def test_a_staff_member_without_a_second_factor_reaches_no_page_at_all(client, page):
    """Staff open others' evidence and certificates from ordinary pages too."""
    client.force_login(StaffFactory(totp=False))
    assert client.get(page).url == reverse("mfa_index")


@pytest.mark.django_db
def test_a_staff_member_without_a_second_factor_can_still_set_one_up_and_log_out(client):
    client.force_login(StaffFactory(totp=False))
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("mfa_activate_totp")).status_code == 302  # to reauthenticate
    assert client.get(reverse("account_reauthenticate")).status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_trainer_without_a_second_factor_is_sent_to_set_one_up(client):
    trainer = TrainerFactory(totp=False)
    client.force_login(trainer.user)
    response = client.get(COURSES)
    assert response.status_code == 302 and response.url == reverse("mfa_index")


@pytest.mark.django_db
def test_a_former_trainer_is_treated_as_a_practitioner(client):
    trainer = TrainerFactory(totp=False, is_active=False)
    client.force_login(trainer.user)
    assert client.get(COURSES).status_code == 403


def test_a_practitioner_is_not_asked_for_a_second_factor(practitioner_client):
    assert practitioner_client.get("/").status_code == 200
    assert practitioner_client.get(COURSES).status_code == 403


@pytest.mark.django_db
def test_the_admin_signs_in_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.django_db
def test_a_staff_member_sets_up_an_authenticator_app_and_then_reaches_staff_pages(client):
    staff = StaffFactory(totp=False)
    assert log_in_with_password(client, staff).status_code == 302
    assert client.get(REPORTS).url == reverse("mfa_index")

    # allauth asks for the password again before a factor is added.
    assert client.get(reverse("mfa_activate_totp")).url.startswith(
        reverse("account_reauthenticate")
    )
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.RECOVERY_CODES).exists()
    assert client.get(REPORTS).status_code == 200


@pytest.mark.django_db
def test_with_an_authenticator_the_password_alone_does_not_sign_in(client):
    staff = StaffFactory()
    response = log_in_with_password(client, staff)

    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert client.get(REPORTS).status_code == 302  # not signed in yet
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and "Incorrect code" in wrong.text
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_valid_authenticator_code_completes_the_sign_in(client):
    staff = StaffFactory()
    log_in_with_password(client, staff)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert client.get(REPORTS).status_code == 200


@pytest.mark.django_db
def test_a_trainer_signs_in_with_a_code_too(client):
    trainer = TrainerFactory()
    assert log_in_with_password(client, trainer.user).url == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert client.get(COURSES).status_code == 200


@pytest.mark.django_db
def test_a_recovery_code_signs_in_once(client):
    staff = StaffFactory(totp=False)
    recovery = activate_totp(staff)
    code = recovery.get_unused_codes()[0]

    log_in_with_password(client, staff)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert client.get(REPORTS).status_code == 200

    client.post(reverse("account_logout"))
    log_in_with_password(client, staff)
    again = client.post(reverse("mfa_authenticate"), {"code": code})
    assert again.status_code == 200 and "Incorrect code" in again.text
    assert client.get(REPORTS).status_code == 302


@pytest.mark.django_db
def test_a_practitioner_may_opt_in(practitioner_client):
    assert practitioner_client.get(reverse("mfa_index")).status_code == 200


def test_the_profile_links_to_the_two_factor_page(practitioner_client):
    profile = practitioner_client.get(reverse("profile")).content.decode()
    assert f'href="{reverse("mfa_index")}"' in profile


def test_the_two_factor_page_is_styled_like_the_rest(practitioner_client):
    page = practitioner_client.get(reverse("mfa_index")).content.decode()
    assert "vendor/bootstrap/bootstrap.min.css" in page
    assert page.count('class="card mb-3"') == 3  # authenticator app, security keys, codes
    assert '<h2 class="h5 card-title">' in page
    assert re.findall(r"<(?:a|button)\b[^>]*\bhref=\"/accounts/2fa/[^>]*>", page)
    assert all('class="btn' in tag for tag in re.findall(r"<a [^>]*2fa/[^>]*>", page))


@pytest.mark.django_db
def test_a_code_works_once(client):
    staff = StaffFactory()
    code = totp_code()
    log_in_with_password(client, staff)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    client.post(reverse("account_logout"))
    log_in_with_password(client, staff)
    replay = client.post(reverse("mfa_authenticate"), {"code": code})
    assert replay.status_code == 200 and "Incorrect code" in replay.text


def test_cache_url_gives_every_worker_the_same_cache_of_used_codes():
    """Settings are read at start-up: a fresh process with CACHE_URL set to Redis."""
    import os
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CACHE_URL": "redis://127.0.0.1:6379/2",
    }
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == [
        "cspo_tracker.cache.FailoverRedisCache",  # Django's RedisCache, surviving outages
        "redis://127.0.0.1:6379/2",
    ]
