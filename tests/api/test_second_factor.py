"""Two-factor guards every way into the API: sessions, tokens and making a token. A token
acts with at most the powers its owner had when it was made."""

import pytest
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from api import tokens
from api.models import ApiToken
from tests.factories import (
    PractitionerFactory,
    StaffFactory,
    TrainerFactory,
    activate_totp,
    course_with_attendees,
)

from .conftest import token_client

pytestmark = pytest.mark.django_db

SECOND_FACTOR = "urn:cspo:problem:second-factor-required"


def assert_second_factor_problem(response):
    assert response.status_code == 403, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == SECOND_FACTOR
    assert "second factor" in problem["detail"]


def test_a_trainer_without_a_second_factor_is_refused_through_their_session():
    trainer = TrainerFactory(totp=False)
    course, _ = course_with_attendees(1, trainer=trainer)
    client = APIClient()
    client.force_login(trainer.user)
    assert_second_factor_problem(client.get(f"/api/v1/courses/{course.pk}/roster"))
    assert_second_factor_problem(client.get("/api/v1/me"))
    activate_totp(trainer.user)
    assert client.get(f"/api/v1/courses/{course.pk}/roster").status_code == 200


def test_a_staff_session_without_a_second_factor_gets_a_problem_not_a_redirect():
    client = APIClient()
    client.force_login(StaffFactory(totp=False))
    assert_second_factor_problem(client.get("/api/v1/courses"))


def test_a_trainer_without_a_second_factor_cannot_make_a_courses_token():
    trainer = TrainerFactory(totp=False)
    with pytest.raises(ValidationError) as refused:
        tokens.create_token(user=trainer.user, name="LMS", scopes=["courses:write"])
    assert "second factor" in refused.value.messages[0]
    assert not ApiToken.objects.exists()


def test_the_token_page_sends_a_trainer_without_a_second_factor_to_set_one_up(client):
    trainer = TrainerFactory(totp=False)
    client.force_login(trainer.user)
    response = client.post(reverse("api_tokens"), {"name": "LMS", "scopes": ["courses:write"]})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_index")
    assert not ApiToken.objects.exists()


def test_a_trainers_token_is_refused_while_the_second_factor_is_removed(make_token):
    trainer = TrainerFactory()
    course, _ = course_with_attendees(1, trainer=trainer)
    client = token_client(make_token(trainer.user, scopes=["courses:write"]).secret)
    assert client.get(f"/api/v1/courses/{course.pk}/roster").status_code == 200
    Authenticator.objects.filter(user=trainer.user).delete()
    assert_second_factor_problem(client.get(f"/api/v1/courses/{course.pk}/roster"))
    assert_second_factor_problem(client.post(f"/api/v1/courses/{course.pk}/close"))
    assert not course.credentials.exists()


def test_a_practitioners_old_token_gains_nothing_when_staff_status_is_ticked(make_token):
    practitioner = PractitionerFactory()
    client = token_client(make_token(practitioner.user).secret)
    course, _ = course_with_attendees(1)  # someone else's course
    user = practitioner.user
    user.is_staff = user.is_superuser = True
    user.save()
    # Staff without a second factor: refused outright.
    assert_second_factor_problem(client.get("/api/v1/courses"))
    # With one: the token still acts as the practitioner it was made for.
    activate_totp(user)
    refused = client.get(f"/api/v1/courses/{course.pk}/roster")
    assert refused.status_code == 403
    assert client.get("/api/v1/me").json()["runs_courses"] is False
    user.refresh_from_db()
    assert user.is_staff and user.is_superuser  # the cap never reaches the database


def test_a_practitioners_old_token_gains_nothing_when_they_become_a_trainer(make_token):
    practitioner = PractitionerFactory()
    client = token_client(make_token(practitioner.user).secret)
    trainer = TrainerFactory(user=practitioner.user)
    course, _ = course_with_attendees(1, trainer=trainer)
    assert client.get(f"/api/v1/courses/{course.pk}/roster").status_code == 403
    fresh = token_client(
        tokens.create_token(user=practitioner.user, name="new", scopes=["courses:write"]).secret
    )
    assert fresh.get(f"/api/v1/courses/{course.pk}/roster").status_code == 200


def test_a_token_records_its_owners_powers_when_made(make_token):
    staff = StaffFactory()
    trainer = TrainerFactory()
    assert (
        make_token(staff).token.made_as_staff,
        make_token(staff).token.made_as_superuser,
        make_token(trainer.user).token.made_as_trainer,
        make_token(PractitionerFactory().user).token.made_as_trainer,
    ) == (True, True, True, False)


def test_a_staff_token_loses_staff_powers_when_staff_status_is_removed(make_token):
    staff = StaffFactory()
    course, _ = course_with_attendees(1)
    client = token_client(make_token(staff).secret)
    assert client.get(f"/api/v1/courses/{course.pk}/roster").status_code == 200
    staff.is_staff = staff.is_superuser = False
    staff.save()
    assert client.get(f"/api/v1/courses/{course.pk}/roster").status_code == 403
