"""Closing a course costs a fixed number of queries, not a set per attendee (issue 14)."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certifications.courses import close_course
from cspo_tracker.models import OutboundEmail
from renewals.models import RenewalCycle
from tests.factories import course_with_attendees

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
