"""Benchmark personal data's lifetime on PostgreSQL: pruning, the archive, an erasure.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cspo_privacy python bench/privacy.py 100000 5000

It makes a fresh database `<name of DATABASE_URL's database>_bench` on the same server
(dropped and created again, then migrated), then:

1. writes EMAILS sent emails older than RETENTION_OUTBOX_DAYS and a tenth as many young
   ones, and times `retention.prune()` (batches of RETENTION_BATCH_SIZE);
2. gives one practitioner ENTRIES SEU entries, fifty of them with a 1 MB evidence file,
   and times reading their whole archive (`export.archive`), with the statements it runs
   and the peak of Python's allocations while it streams (tracemalloc);
3. times that practitioner's erasure, every step.
"""

import datetime
import os
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _support import counting_statements, fresh_database  # noqa: E402  (bench/ is the script's directory)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
NOW = datetime.datetime(2026, 6, 1, 3, 30, tzinfo=datetime.UTC)
EVIDENCE_FILES = 50
EVIDENCE_BYTES = 1024 * 1024


def prune_emails(count):
    from django.conf import settings
    from django.utils import timezone

    from cspo_tracker.outbox.models import OutboundEmail
    from cspo_tracker.privacy import retention

    old = NOW - datetime.timedelta(days=settings.RETENTION_OUTBOX_DAYS + 30)
    rows = [
        OutboundEmail(
            key=f"bench:{i}",
            template="renewal_reminder",
            to=f"person{i % 5000}@example.com",
            subject="Your CSPO expires soon",
            body_text="Dear practitioner,\n" * 20,
            status="sent",
            created_at=old if i < count else timezone.now(),
            sent_at=old,
        )
        for i in range(count + count // 10)
    ]
    OutboundEmail.objects.bulk_create(rows, batch_size=5000)
    started = time.perf_counter()
    with counting_statements() as counted:
        pruned = retention.prune(now=NOW)["outbox_emails"]
    seconds = time.perf_counter() - started
    print(
        f"prune outbox: {pruned:,} of {len(rows):,} emails in {seconds:.2f} s "
        f"({pruned / seconds:,.0f} rows/s), {counted.statements} statements, "
        f"batches of {settings.RETENTION_BATCH_SIZE}"
    )


def holder_with(entries):
    from django.core.files.base import ContentFile

    from seus.models import SeuCategory, SeuEntry
    from tests.factories import CredentialFactory, PractitionerFactory

    practitioner = PractitionerFactory(
        user__first_name="Bench", user__last_name="Holder", user__email="bench@example.com"
    )
    CredentialFactory(holder=practitioner, issued_on=datetime.date(2025, 6, 1))
    category = SeuCategory.objects.get(code="E")
    SeuEntry.objects.bulk_create(
        [
            SeuEntry(
                practitioner=practitioner,
                earned_on=datetime.date(2025, 7, 1) + datetime.timedelta(days=i % 300),
                category=category,
                activity=f"Reading {i}",
                seus=Decimal("0.25"),
            )
            for i in range(entries)
        ],
        batch_size=5000,
    )
    for entry in SeuEntry.objects.filter(practitioner=practitioner)[:EVIDENCE_FILES]:
        entry.evidence.save(
            "evidence.pdf", ContentFile(b"%PDF-1.4\n" + os.urandom(EVIDENCE_BYTES)), save=True
        )
    return practitioner


def export_archive(practitioner):
    from certifications import privacy
    from cspo_tracker.privacy import export

    person = privacy.prepare_export(user=practitioner.user)
    started = time.perf_counter()
    tracemalloc.start()
    size = chunks = largest = 0
    with counting_statements() as counted:
        for chunk in export.archive(person):
            size, chunks, largest = size + len(chunk), chunks + 1, max(largest, len(chunk))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    seconds = time.perf_counter() - started
    print(
        f"archive: {size / 1e6:.1f} MB in {chunks:,} chunks (largest {largest / 1024:.0f} KB) "
        f"in {seconds:.2f} s, {counted.statements} statements, "
        f"peak Python allocations {peak / 1e6:.1f} MB"
    )


def erase(practitioner):
    from certifications import privacy
    from cspo_tracker.privacy import erasure

    started = time.perf_counter()
    with counting_statements() as counted:
        # The steps run after the commit (in this process: no broker); run() finishes
        # whatever is left when a broker took them instead.
        retirement = privacy.request_erasure(user=practitioner.user)
        erasure.run(retirement.pk)
    seconds = time.perf_counter() - started
    retirement.refresh_from_db()
    print(
        f"erasure: {retirement.state} in {seconds:.2f} s, {counted.statements} statements, "
        f"{len(retirement.steps_done)} steps"
    )


def main():
    emails = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    entries = int(sys.argv[2]) if len(sys.argv) > 2 else 5_000
    os.environ["DATABASE_URL"] = fresh_database("privacy.py")
    os.environ["PRIVATE_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="cspo-privacy-bench-")
    os.environ.pop("CELERY_BROKER_URL", None)  # tasks in this process
    import django

    django.setup()
    from django.conf import settings

    if not settings.CREDENTIAL_SIGNING_KEY:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        from certifications.vc.keys import private_key_multibase

        settings.CREDENTIAL_SIGNING_KEY = private_key_multibase(Ed25519PrivateKey.generate())
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    prune_emails(emails)
    practitioner = holder_with(entries)
    export_archive(practitioner)
    erase(practitioner)


if __name__ == "__main__":
    main()
