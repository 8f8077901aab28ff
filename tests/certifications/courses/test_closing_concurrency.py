"""Two people pressing "Close" at the same moment still issue each credential once."""

import threading

import pytest
from django.core import mail
from django.db import connection, connections

from certifications.courses.services import close_course
from certifications.models import Credential
from tests.factories import course_with_attendees

JOIN_TIMEOUT = 60  # seconds; closing five attendees takes well under one


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_closings_issue_and_mail_each_credential_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (DATABASE_URL=postgres://...)")
    course, enrollments = course_with_attendees(5)
    start = threading.Barrier(2)
    results, errors = [], []

    def close():
        try:
            start.wait()
            results.append(close_course(course=course))
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    # Daemon threads with a bounded join: a closing that deadlocks fails the test
    # instead of hanging the run.
    threads = [threading.Thread(target=close, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), f"a closing still ran after {JOIN_TIMEOUT}s"
    assert errors == []
    assert sorted(len(r.issued) for r in results) == [0, 5]
    issued = Credential.objects.filter(course=course)
    assert sorted(issued.values_list("holder_id", flat=True)) == sorted(
        e.practitioner_id for e in enrollments
    )
    assert len(set(issued.values_list("certificate_number", flat=True))) == 5
    assert sorted(len(r.already_issued) for r in results) == [0, 5]  # the later one saw them
    assert len(mail.outbox) == 5
