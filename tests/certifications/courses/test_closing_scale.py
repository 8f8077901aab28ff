"""Closing a course costs a fixed number of queries, not a set per attendee."""

import datetime
import time

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certifications.courses.services import close_course
from certifications.models import Credential
from certifications.vc import services as vc_services
from certifications.vc.verification import verify_document
from cspo_tracker.outbox.models import OutboundEmail
from renewals.models import RenewalCycle
from tests.factories import ProgramFactory, StaffFactory, course_with_attendees, credential_expiring
from webhooks.models import WebhookDelivery, WebhookEvent
from webhooks.services import create_subscription

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _close(size):
    course, enrollments = course_with_attendees(size, capacity=max(size, 1))
    enrollments[-1].attendance.update(hours_attended=0)  # one misses the rule
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = close_course(course=course)
        seconds = time.perf_counter() - started
    return result, len(queries), seconds


def test_closing_200_attendees_takes_the_same_queries_as_closing_2():
    _close(2)  # warm the per-process caches (programs, reminder offsets, templates)
    small, small_queries, _ = _close(2)
    large, large_queries, _seconds = _close(200)
    assert len(small.issued) == 1 and len(large.issued) == 199
    assert large_queries == small_queries
    issued = [c.pk for c in large.issued]
    assert RenewalCycle.objects.filter(credential__in=issued).count() == 199
    assert OutboundEmail.objects.filter(template="welcome").count() == 1 + 1 + 199


def test_closing_again_issues_and_mails_nothing_twice():
    result, _, _ = _close(30)
    again = close_course(course=result.issued[0].course)
    assert again.issued == [] and len(again.already_issued) == 29
    assert OutboundEmail.objects.filter(template="welcome").count() == 29


# --- Attendees who already hold another credential ----------------------------------

D = datetime.date
CLOSING_DAY = datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC)
NEW_EXPIRY = D(2028, 3, 3)  # a CSM from a course ending 3 March 2026
HELD_EXPIRY = D(2026, 5, 1)  # the CSPO each attendee holds: earlier, not lapsed


@pytest.fixture
def organisation_webhook(monkeypatch):
    monkeypatch.setattr("webhooks.guard.resolver", lambda host, port: ["93.184.216.34"])
    return create_subscription(
        owner=StaffFactory(),
        url="https://hooks.example.com/in",
        events=["credential.renewed"],
        scope="organisation",
    )


def _close_with_held(size):
    """Close a CSM course of `size` attendees who each hold a CSPO expiring before the
    new CSM; returns (result, the CSPOs held, the queries of the closing)."""
    course, enrollments = course_with_attendees(
        size, capacity=size, program=ProgramFactory(code="CSM")
    )
    held = [credential_expiring(HELD_EXPIRY, holder=e.practitioner) for e in enrollments]
    with CaptureQueriesContext(connection) as queries:
        result = close_course(course=course)
    return result, held, len(queries)


@time_machine.travel(CLOSING_DAY, tick=False)
def test_closing_when_every_attendee_holds_another_credential_takes_the_same_queries(
    organisation_webhook,
):
    _close_with_held(2)  # warm the per-process caches
    small, _, small_queries = _close_with_held(2)
    large, held, large_queries = _close_with_held(30)

    assert len(small.renewed) == 2 and len(large.renewed) == 30
    assert large_queries == small_queries
    ids = [c.pk for c in held]
    rows = Credential.objects.filter(pk__in=ids).values_list("expires_on", "status")
    assert set(rows) == {(NEW_EXPIRY, Credential.Status.ACTIVE)}
    cycles = RenewalCycle.objects.filter(credential__in=ids)
    assert sorted(cycles.filter(status="completed").values_list("ends_on", flat=True)) == (
        [HELD_EXPIRY] * 30
    )
    assert sorted(cycles.filter(status="open").values_list("ends_on", flat=True)) == (
        [NEW_EXPIRY] * 30
    )
    events = WebhookEvent.objects.filter(type="credential.renewed")
    payloads = [e.payload["data"]["credential"] for e in events]
    numbers = [p["certificate_number"] for p in payloads]
    assert len(numbers) == len(set(numbers)) == 2 + 2 + 30  # one event each
    assert {c.certificate_number for c in held} <= set(numbers)
    sample = next(p for p in payloads if p["certificate_number"] == held[0].certificate_number)
    assert (sample["program"], sample["status"], sample["expires_on"]) == (
        "CSPO",
        "active",
        "2028-03-03",
    )
    assert sample["holder"]["email"] == held[0].holder.user.email
    assert WebhookDelivery.objects.filter(
        subscription=organisation_webhook, event__in=events
    ).count() == len(numbers)


@time_machine.travel(CLOSING_DAY, tick=False)
def test_a_renewed_credentials_signed_copy_carries_the_new_expiry(client):
    course, enrollments = course_with_attendees(3, program=ProgramFactory(code="CSM"))
    held = [credential_expiring(HELD_EXPIRY, holder=e.practitioner) for e in enrollments]
    before = [vc_services.issue_signed_credential(c) for c in held]
    assert {s.document["validUntil"] for s in before} == {"2026-05-01T23:59:59Z"}

    close_course(course=course)

    for credential, old in zip(held, before, strict=True):
        client.force_login(credential.holder.user)
        document = client.get(f"/credentials/{credential.certificate_number}.json").json()
        assert document["validUntil"] == "2028-03-03T23:59:59Z"
        assert document["id"] == old.document["id"]  # the same credential, a newer version
        assert document["validFrom"] > old.document["validFrom"]
        assert verify_document(document).verdict == "valid"
        assert verify_document(old.document).verdict == "valid"  # until its own date
