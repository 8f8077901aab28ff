"""Finding the token behind each API call: one read of the token's own row, and a
revoked, expired or deactivated token refused on the very next call."""

import datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.models import ApiToken
from api.tokens import find_live_token, revoke_token


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


def test_finding_a_token_reads_its_own_row_by_digest_without_joins(api):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)):
        api.get("/api/v1/me")  # the last-used stamp is written now, not below
    with CaptureQueriesContext(connection) as captured:
        token = find_live_token(api.secret, now=api.token.last_used_at)
    assert token.pk == api.token.pk
    first = captured.captured_queries[0]["sql"]
    assert ApiToken._meta.db_table in first and '"digest" =' in first
    assert "JOIN" not in first.upper()
    assert len(captured) <= 2  # the token's row, then its owner's


def test_an_organisation_token_acts_for_its_organisation(make_token, organisation):
    token = find_live_token(make_token(organisation=organisation, scopes=["seus:write"]).secret)
    assert token.organisation == organisation and token.user_id is None
