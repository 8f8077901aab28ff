"""The fingerprint that keys a practitioner's kept pages covers every row those
pages read: each table they query is declared, and any write to a declared row, whatever
wrote it, changes the fingerprint."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certifications.models import Organisation
from cspo_tracker.kept_pages import row_versions
from renewals import services
from renewals.audits import services as audits
from renewals.claims.services import submit_claim
from renewals.models import Renewal
from tests.factories import (
    CredentialFactory,
    PractitionerFactory,
    ProgramFactory,
    SeuEntryFactory,
    StaffFactory,
    course_with_attendees,
    credential_expiring,
    seus_for,
)

pytestmark = pytest.mark.django_db

D = datetime.date
# Read for the request itself, not the page's content: the session, and the trainer row
# behind the roles, which are part of the key (certifications/own_pages.py).
REQUEST_TABLES = {"django_session", "certifications_trainer"}
TABLE = re.compile(r'(?:FROM|JOIN) "(\w+)"')


@pytest.fixture(autouse=True)
def _fixed_now():
    with time_machine.travel(datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def busy(practitioner_client):
    """A practitioner with one of everything the pages show: a credential from a course,
    a renewal under SEU audit, a revoked and a lapsed credential, a claim waiting, a
    provider's entry."""
    me = practitioner_client.practitioner
    course, [enrollment] = course_with_attendees(1)
    enrollment.practitioner = me
    enrollment.save()
    CredentialFactory(holder=me, course=course, issued_on=D(2025, 6, 1))
    audited = credential_expiring(D(2026, 6, 30), program="CSM", holder=me)
    seus_for(me, 24, earned_on=D(2026, 1, 15))
    renewal = services.submit_renewal(
        practitioner=me, credentials=[audited], payment_reference="PAY-1"
    )
    audits.select_for_audit(renewal=renewal, by=StaffFactory())
    revoked = credential_expiring(D(2027, 1, 31), program="PSPO", holder=me)
    type(revoked).objects.filter(pk=revoked.pk).update(
        revoked_at=datetime.datetime.now(datetime.UTC)
    )
    credential_expiring(D(2025, 12, 1), program="ACSPO", holder=me)
    submit_claim(
        practitioner=me,
        program=ProgramFactory(code="CSD"),
        certificate_number="CSD-BUSY-1",
        issued_on=D(2026, 3, 1),
    )
    provider = Organisation.objects.create(name="Agile Conf", slug="agile-conf")
    SeuEntryFactory(
        practitioner=me, earned_on=D(2026, 2, 2), reported_by=provider, provider_reference="R-1"
    )
    return practitioner_client


def tables_read(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return {table for query in captured for table in TABLE.findall(query["sql"])}


def undeclared(tables):
    return sorted(tables - row_versions.declared_tables() - REQUEST_TABLES)


def test_every_table_the_dashboard_and_the_seu_log_read_is_in_the_fingerprint(busy):
    cycle = Renewal.objects.get().cycles.get()
    read = set()
    for url in (
        reverse("dashboard"),
        reverse("seus:list"),
        reverse("seus:list") + f"?window={cycle.pk}&category=E&page=2",
    ):
        read |= tables_read(busy, url)
    assert {"seus_seuentry", "renewals_seuaudit", "certifications_course"} <= read
    assert undeclared(read) == []


def test_the_check_names_a_table_left_out():
    assert undeclared({"seus_seuentry", "renewals_reminder"}) == ["renewals_reminder"]


postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="needs PostgreSQL row versions (DATABASE_URL=postgres://...)",
)


@postgres_only
@pytest.mark.parametrize("label", sorted(row_versions.scopes()))
def test_a_write_by_any_code_to_a_declared_row_changes_the_fingerprint(busy, label):
    """A plain SQL UPDATE that changes no value (no signal, no auto_now) still makes a
    new row version, so a new fingerprint; someone else's fingerprint stays."""
    me = busy.practitioner
    someone = PractitionerFactory()
    seus_for(someone, 8)
    rows = row_versions.scopes()[label](me.pk)
    ids = list(rows.values_list("pk", flat=True))
    assert ids, f"the busy practitioner has no {label} row"
    mine, theirs = row_versions.fingerprint(me.pk), row_versions.fingerprint(someone.pk)
    table = connection.ops.quote_name(rows.model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET id = id WHERE id = %s", [ids[0]])
    assert row_versions.fingerprint(me.pk) != mine
    if label != "seu_category":  # shared by everyone
        assert row_versions.fingerprint(someone.pk) == theirs


@postgres_only
def test_a_deleted_row_changes_the_fingerprint(busy):
    me = busy.practitioner
    entry = SeuEntryFactory(practitioner=me, earned_on=D(2026, 3, 3))
    before = row_versions.fingerprint(me.pk)
    entry.delete()
    assert row_versions.fingerprint(me.pk) != before


def test_without_row_versions_there_is_no_fingerprint(practitioner, monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    assert row_versions.fingerprint(practitioner.pk) is None
