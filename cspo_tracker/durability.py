"""Commits that do not wait for the disk.

A commit on PostgreSQL waits until its WAL record is flushed to disk: on a busy or
shared disk that wait (several milliseconds) is most of what recording an email sent or
a webhook attempt costs. For those records, and only those, the transaction commits
with `synchronous_commit` off: the commit returns once the record is in PostgreSQL's
memory, and the WAL writer flushes it within a few hundred milliseconds. A crash of the
worker loses nothing; a crash of PostgreSQL itself in that moment can lose the latest
such records, never half of one, and the email or webhook is then sent again with the
same Message-ID or webhook-id: at least once, as every delivery already is around a
crash (docs/decisions/0038-delivery-records-commit-without-waiting-for-the-disk.md)."""

import contextlib

from django.db import connection, transaction


@contextlib.contextmanager
def commit_without_waiting_for_the_disk():
    """A transaction whose commit does not wait for the WAL flush (PostgreSQL; a plain
    transaction elsewhere). Inside an outer transaction the setting holds for it."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield
