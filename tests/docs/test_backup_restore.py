"""The backup and restore of docs/operations.md, done for real: pg_dump -Fc of the
database plus a tar of the evidence folder, restored with pg_restore into a fresh database
and tar -x into a fresh folder; every credential, SEU entry and evidence file must be
there."""

import datetime
import os
import shutil
import subprocess
import uuid
from decimal import Decimal

import psycopg2
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from seus.services import create_seu_entry
from tests.factories import (
    CredentialFactory,
    PractitionerFactory,
    SeuCategoryFactory,
    pdf_bytes,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres_tools():
    if connection.vendor != "postgresql":
        pytest.skip(
            "backup and restore use pg_dump and pg_restore: run with DATABASE_URL=postgres://..."
        )
    missing = [tool for tool in ("pg_dump", "pg_restore", "tar") if not shutil.which(tool)]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (Debian: postgresql-client)")
    db = connection.settings_dict
    args = ["-h", db["HOST"] or "localhost", "-p", str(db["PORT"] or 5432), "-U", db["USER"]]
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    return db, args, env


def run(command, env):
    subprocess.run(command, env=env, check=True, capture_output=True)


def rows(dbname, db, sql):
    conn = psycopg2.connect(
        dbname=dbname, host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"]
    )
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
            return set(cursor.fetchall())
    finally:
        conn.close()


def test_a_dump_restored_into_a_fresh_database_has_every_credential_entry_and_file(
    postgres_tools, tmp_path
):
    db, args, env = postgres_tools
    credentials = CredentialFactory.create_batch(3)
    holder = PractitionerFactory()
    entries = [
        create_seu_entry(
            practitioner=holder,
            earned_on=datetime.date(2026, 2, i + 1),
            category=SeuCategoryFactory(code="B"),
            activity=f"Coaching session {i}",
            seus=Decimal("1"),
            evidence=SimpleUploadedFile(f"proof-{i}.pdf", pdf_bytes(comment=b"proof %d" % i)),
        )
        for i in range(3)
    ]
    entries.append(
        create_seu_entry(
            practitioner=holder,
            earned_on=datetime.date(2026, 2, 10),
            category=SeuCategoryFactory(code="B"),
            activity="Meetup, no evidence",
            seus=Decimal("2"),
        )
    )

    # Back up as docs/operations.md says: the database in custom format, the evidence
    # folder as tar.
    dump, archive = tmp_path / "cspo.dump", tmp_path / "evidence.tar.gz"
    run(["pg_dump", "-Fc", "--no-owner", "-f", str(dump), *args, db["NAME"]], env)
    run(["tar", "-C", str(settings.PRIVATE_MEDIA_ROOT), "-czf", str(archive), "."], env)

    # Restore into a fresh database and a fresh folder.
    restored = f"{db['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    restored_files = tmp_path / "restored-private"
    restored_files.mkdir()
    run(["createdb", *args, "-T", "template0", restored], env)
    try:
        run(["pg_restore", "--no-owner", "--exit-on-error", "-d", restored, *args, str(dump)], env)
        run(["tar", "-C", str(restored_files), "-xzf", str(archive)], env)

        assert rows(
            restored, db, "SELECT certificate_number, expires_on FROM certifications_credential"
        ) == {(c.certificate_number, c.expires_on) for c in credentials}
        assert rows(restored, db, "SELECT id, activity, evidence FROM seus_seuentry") == {
            (e.pk, e.activity, e.evidence.name) for e in entries
        }
        for entry in entries[:3]:
            restored_file = restored_files / "evidence" / entry.evidence.name
            assert restored_file.read_bytes() == entry.evidence.open("rb").read()
    finally:
        run(["dropdb", *args, "--if-exists", restored], env)
    assert restored not in {
        name for (name,) in rows("postgres", db, "SELECT datname FROM pg_database")
    }
