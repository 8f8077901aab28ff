"""schemathesis against the live OpenAPI document, served by the project's own WSGI app
(in-process, inside the test's transaction), with a token holding every scope: every
operation, no 5xx, every response matches the document (status codes, content types,
bodies, headers). Deterministic (derandomize) and small (max_examples)."""

import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from tests.factories import (
    CredentialFactory,
    SeuEntryFactory,
    TrainerFactory,
    course_with_attendees,
)

from .conftest import ALL_SCOPES

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.API_RATE_LIMIT = settings.API_ANON_RATE_LIMIT = "100000/minute"


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes the database connection after each request, as in
    production; here that connection holds the test's transaction (Django's own test
    client disconnects the same receiver)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def full_token(make_token):
    """A trainer who is also a practitioner with credentials, SEUs and a course, so the
    generated calls reach real rows as well as missing ones."""
    trainer = TrainerFactory()
    from certifications.selectors import practitioner_for

    practitioner = practitioner_for(trainer.user)
    CredentialFactory(holder=practitioner, issued_on=datetime.date(2025, 6, 1))
    SeuEntryFactory.create_batch(3, practitioner=practitioner)
    course_with_attendees(2, trainer=trainer)
    return make_token(trainer.user, scopes=ALL_SCOPES).secret


# The document as the app serves it (anonymous GET, no database needed), read through
# the WSGI app; the calls go through the same app, inside each test's transaction.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@schema.parametrize()
@settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_the_api_keeps_its_document(case, full_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {full_token}"}, checks=CHECKS)
