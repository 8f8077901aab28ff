"""A practitioner's archive (GDPR art. 20): every app's part about them, nobody else's,
no secrets, streamed in bounded memory with a fixed number of queries."""

import io
import json
import os
import tracemalloc
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certifications import privacy
from cspo_tracker.outbox.models import OutboundEmail
from cspo_tracker.privacy import export
from seus.models import SeuCategory
from seus.services import create_seu_entry
from tests.factories import SeuEntryFactory, pdf_bytes

from .conftest import PDF, PNG, D

pytestmark = pytest.mark.django_db


def archive_of(user):
    return zipfile.ZipFile(io.BytesIO(b"".join(export.archive(privacy.prepare_export(user=user)))))


def read(zipped, path):
    return json.loads(zipped.read(path))


def everything_as_text(zipped):
    return "\n".join(
        zipped.read(name).decode("utf-8", "replace")
        for name in zipped.namelist()
        if name.endswith((".json", ".txt"))
    )


def test_the_archive_holds_the_account_profile_and_courses(ada):
    zipped = archive_of(ada.user)
    profile = read(zipped, "profile/profile.json")
    assert profile["account"]["email"] == "ada@example.com"
    assert profile["account"]["last_name"] == "Lovelace"
    assert {a["email"] for a in profile["email_addresses"]} == {
        "ada@example.com",
        "old.ada@example.com",
    }
    assert {f["type"] for f in profile["two_factor"]} == {"totp", "recovery_codes"}
    assert profile["profile"]["time_zone"] == "UTC"
    courses = read(zipped, "profile/courses.json")
    assert [c["completed"] for c in courses] == [True, None]  # closed, then planned
    assert courses[0]["attendance"] == [
        {"session": 1, "held_on": "2026-03-02", "hours": "8.00"},
        {"session": 2, "held_on": "2026-03-03", "hours": "8.00"},
    ]


def test_the_archive_holds_the_credentials_with_their_signed_copies(ada):
    zipped = archive_of(ada.user)
    credentials = read(zipped, "credentials/credentials.json")
    assert {c["certificate_number"] for c in credentials} == {
        ada.credential.certificate_number,
        ada.course_credential.certificate_number,
    }
    for credential in (ada.credential, ada.course_credential):  # the second one never asked
        path = (
            f"credentials/signed/{credential.certificate_number}-until-"
            f"{credential.expires_on:%Y-%m-%d}.json"
        )
        signed = read(zipped, path)
        assert signed["credentialSubject"]["name"] == "Ada Lovelace"
        assert signed["proof"][0]["proofValue"]


def test_the_archive_holds_the_seu_log_with_its_evidence_files(ada):
    zipped = archive_of(ada.user)
    entries = read(zipped, "seus/entries.json")
    assert sum(Decimal(e["seus"]) for e in entries) == Decimal("26")
    [with_evidence] = [e for e in entries if e["evidence"]]
    assert with_evidence["activity"] == "Agile Tour talk"
    assert with_evidence["evidence"] == f"seus/evidence/{ada.evidence_entry.pk}-certificate.pdf"
    assert zipped.read(with_evidence["evidence"]) == PDF


def test_the_archive_holds_renewals_claims_and_audits_with_the_files_sent(ada):
    zipped = archive_of(ada.user)
    [renewal] = read(zipped, "renewals/renewals.json")
    assert renewal["fee"]["payment_reference"] == "PAY-1"
    assert renewal["credentials"] == [ada.credential.certificate_number]
    assert {c["credential"] for c in read(zipped, "renewals/cycles.json")} == {
        ada.credential.certificate_number,
        ada.course_credential.certificate_number,
    }
    [claim] = read(zipped, "renewals/claims.json")
    assert claim["certificate_number"] == "OLD-LOVELACE"
    assert zipped.read(claim["evidence"]) == PDF
    [audit] = read(zipped, "renewals/audits.json")
    sent = [item for item in audit["entries"] if item["evidence"]]
    assert [item["seu_entry"] for item in sent] == [ada.audit_item.entry_id]
    assert zipped.read(sent[0]["evidence"]) == PNG
    assert read(zipped, "renewals/reminder_choices.json") == {"turned_off": []}


def test_the_archive_holds_the_emails_sent_to_every_address_of_the_holder(ada):
    zipped = archive_of(ada.user)
    emails = read(zipped, "emails/emails.json")
    assert len(emails) == OutboundEmail.objects.filter(to="ada@example.com").count() > 0
    assert {e["to"] for e in emails} == {"ada@example.com"}
    assert all(e["body"] for e in emails)


def test_the_archive_lists_tokens_and_webhooks_without_their_secrets(ada):
    zipped = archive_of(ada.user)
    [token] = read(zipped, "api/tokens.json")
    assert (token["name"], token["prefix"]) == ("LMS", ada.token.prefix)
    [subscription] = read(zipped, "webhooks/subscriptions.json")
    assert subscription["url"] == "https://hooks.example.org/in"
    [delivery] = read(zipped, "webhooks/deliveries.json")
    assert delivery["event_id"] == ada.own_event.msg_id
    text = everything_as_text(zipped)
    assert ada.token.digest not in text
    assert ada.subscription.secret not in text
    assert "whsec_" not in text


def test_the_archive_has_nothing_of_another_practitioner(ada, bob):
    text = everything_as_text(archive_of(ada.user))
    assert "bob@example.com" not in text
    assert "Neighbour" not in text
    assert bob.credential.certificate_number not in text


def test_the_download_is_a_post_from_the_profile_streamed_as_a_zip(client, ada):
    client.force_login(ada.user)
    assert client.get(reverse("data_export")).status_code == 405
    response = client.post(reverse("data_export"))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        'attachment; filename="cspo-tracker-data-2026-05-01.zip"'
    )
    zipped = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "README.txt" in zipped.namelist()
    assert zipped.testzip() is None


def test_signing_in_is_needed_to_download(client, db):
    response = client.post(reverse("data_export"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def _queries_for_archive(user, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget) as captured:
        b"".join(export.archive(privacy.person_of(user)))
    return len(captured)


def test_the_archive_costs_the_same_queries_for_a_long_seu_log(ada, django_assert_max_num_queries):
    few = _queries_for_archive(ada.user, django_assert_max_num_queries, 40)
    SeuEntryFactory.create_batch(
        150, practitioner=ada.practitioner, earned_on=D(2025, 7, 1), seus=Decimal("1")
    )
    assert _queries_for_archive(ada.user, django_assert_max_num_queries, 40) == few


def test_a_large_evidence_file_is_streamed_in_chunks_not_held_in_memory(practitioner):
    # Random bytes do not compress; a comment line holds any byte but line ends and "<".
    noise = os.urandom(4 * 1024 * 1024).translate(bytes.maketrans(b"\r\n<", b"  !"))
    scan = pdf_bytes(comment=noise)
    create_seu_entry(
        practitioner=practitioner,
        earned_on=D(2026, 2, 3),
        category=SeuCategory.objects.get(code="C"),
        activity="Scanned certificate",
        seus=2,
        evidence=SimpleUploadedFile("scan.pdf", scan, content_type="application/pdf"),
    )
    chunks = export.archive(privacy.person_of(practitioner.user))
    tracemalloc.start()
    try:
        largest = total = 0
        for chunk in chunks:
            largest, total = max(largest, len(chunk)), total + len(chunk)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total > len(scan)  # random bytes do not compress
    assert largest < 512 * 1024
    assert peak < 2 * 1024 * 1024
