"""Records of a delivery (an email sent, webhook attempts) commit without waiting for
PostgreSQL's disk flush; nothing else does."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cspo_tracker.durability import commit_without_waiting_for_the_disk
from cspo_tracker.outbox import services as outbox
from cspo_tracker.outbox.models import OutboundEmail

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="synchronous_commit is PostgreSQL's"
)


def synchronous_commit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@postgresql_only
@pytest.mark.django_db(transaction=True)  # no test transaction around it
def test_only_the_transaction_inside_skips_the_wait_for_the_disk():
    before = synchronous_commit()
    with commit_without_waiting_for_the_disk():
        assert synchronous_commit() == "off"
    assert synchronous_commit() == before == "on"


@postgresql_only
def test_an_email_is_marked_sent_in_a_commit_that_does_not_wait_for_the_disk():
    email = outbox.store(template="t", to="ada@example.com", subject="Hello", body_text="Hi")
    with CaptureQueriesContext(connection) as queries:
        outbox.deliver(email.pk)
    assert OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.SENT
    statements = [q["sql"] for q in queries.captured_queries]
    marked = next(i for i, sql in enumerate(statements) if "\"status\" = 'sent'" in sql)
    assert "SET LOCAL synchronous_commit TO OFF" in statements[marked - 1]


def test_a_transaction_that_does_not_wait_still_rolls_back_whole():
    with pytest.raises(RuntimeError), commit_without_waiting_for_the_disk():
        outbox.store(template="t", to="ada@example.com", subject="Hello", body_text="Hi")
        raise RuntimeError
    assert not OutboundEmail.objects.exists()
