"""Finding the token behind each API call: one read of the token with its owner, and a
revoked, expired or deactivated token (or trainer) refused on the very next call."""

import datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.models import ApiToken
from api.tokens import find_live_token, owner_needs_second_factor, revoke_token
from certifications.models import Practitioner
from tests.factories import TrainerFactory, UserFactory

from .conftest import token_client


def test_a_token_revoked_between_two_calls_is_refused_on_the_next(api):
    assert api.get("/api/v1/me").status_code == 200
    revoke_token(token=api.token)
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_a_token_whose_owner_is_deactivated_is_refused_on_the_next_call(api, practitioner):
    assert api.get("/api/v1/me").status_code == 200
    practitioner.user.is_active = False
    practitioner.user.save(update_fields=["is_active"])
    assert api.get("/api/v1/me").status_code == 401


def test_a_token_is_refused_from_its_expiry_on(make_token, practitioner):
    expires_at = datetime.datetime(2026, 3, 1, 13, 0, tzinfo=datetime.UTC)
    new = make_token(practitioner.user, expires_at=expires_at)
    assert find_live_token(new.secret, now=expires_at - datetime.timedelta(seconds=1))
    assert find_live_token(new.secret, now=expires_at) is None


def test_finding_a_token_reads_it_with_its_owner_in_one_query(api):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)):
        api.get("/api/v1/me")  # the last-used stamp is written now, not below
    with CaptureQueriesContext(connection) as captured:
        token = find_live_token(api.secret, now=api.token.last_used_at)
        owner = (token.user.email, token.owner_practitioner.pk)
        needs_factor = owner_needs_second_factor(token)
    assert (token.pk, owner, needs_factor) == (
        api.token.pk,
        (api.practitioner.user.email, api.practitioner.pk),
        False,
    )
    sql = captured.captured_queries[0]["sql"]
    assert ApiToken._meta.db_table in sql and '"digest" =' in sql
    assert len(captured) == 1


def test_a_trainer_deactivated_between_two_calls_runs_no_courses_on_the_next(make_token):
    trainer = TrainerFactory()
    client = token_client(make_token(trainer.user, scopes=["courses:write"]).secret)
    assert client.get("/api/v1/me").json()["runs_courses"] is True
    assert client.get("/api/v1/courses").status_code == 200
    trainer.is_active = False
    trainer.save(update_fields=["is_active"])
    assert client.get("/api/v1/me").json()["runs_courses"] is False
    assert client.get("/api/v1/courses").status_code == 403


def test_a_token_of_someone_without_a_practitioner_profile_gets_one_made(make_token):
    user = UserFactory()
    client = token_client(make_token(user).secret)
    assert not Practitioner.objects.filter(user=user).exists()
    assert client.get("/api/v1/seus").status_code == 200
    assert Practitioner.objects.filter(user=user).count() == 1


def test_an_organisation_token_acts_for_its_organisation(make_token, organisation):
    token = find_live_token(make_token(organisation=organisation, scopes=["seus:write"]).secret)
    assert token.organisation == organisation and token.user_id is None
