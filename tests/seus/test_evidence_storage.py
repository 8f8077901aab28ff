"""Evidence on any Django storage backend: STORAGES["evidence"], chosen by EVIDENCE_STORAGE."""

import datetime
import os
import subprocess
import sys
from decimal import Decimal

import boto3
import pytest
from django.core.files.storage import storages
from django.urls import reverse
from moto import mock_aws

from seus.models import SeuEntry
from seus.s3_storage import PrivateS3Storage
from seus.services import create_seu_entry
from seus.storage import PrivateStorage
from tests.factories import SeuCategoryFactory, UserFactory

from .conftest import PDF_BYTES

S3_ENV = {
    "EVIDENCE_STORAGE": "s3",
    "EVIDENCE_S3_BUCKET": "cspo-evidence",
    "EVIDENCE_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
    "EVIDENCE_S3_REGION": "eu-central-1",
    "AWS_ACCESS_KEY_ID": "test-key",
    "AWS_SECRET_ACCESS_KEY": "test-secret",
}


def run_with_settings(env, code):
    """Settings are read once at start-up, so each configuration gets a fresh process."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    for name in ("EVIDENCE_STORAGE", "EVIDENCE_S3_BUCKET"):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        env=environment,
        capture_output=True,
        text=True,
    )


SHOW_STORAGE = """
from seus.models import SeuEntry
s = SeuEntry._meta.get_field("evidence").storage
print(type(s).__name__)
for name in ("bucket_name", "endpoint_url", "region_name", "location", "default_acl"):
    print(name, getattr(s, name, None))
try:
    s.url("1/x.pdf")
except ValueError:
    print("no url")
"""


def test_the_default_evidence_storage_is_the_private_folder(settings, tmp_path):
    storage = SeuEntry._meta.get_field("evidence").storage
    assert isinstance(storage, PrivateStorage)
    assert storage.location == str(tmp_path / "private" / "evidence")


def test_evidence_storage_s3_configures_a_private_bucket_without_connecting():
    done = run_with_settings(S3_ENV, SHOW_STORAGE)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "PrivateS3Storage"
    assert "bucket_name cspo-evidence" in lines
    assert "endpoint_url http://127.0.0.1:9000" in lines
    assert "region_name eu-central-1" in lines
    assert "location evidence" in lines
    assert "default_acl private" in lines
    assert lines[-1] == "no url"


def test_without_evidence_storage_the_local_folder_is_used():
    done = run_with_settings({}, SHOW_STORAGE)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "PrivateStorage"


@pytest.mark.parametrize(
    "env, message",
    [
        ({"EVIDENCE_STORAGE": "ftp"}, "EVIDENCE_STORAGE must be 'local' or 's3'"),
        ({"EVIDENCE_STORAGE": "s3"}, "EVIDENCE_S3_BUCKET"),
    ],
)
def test_a_wrong_evidence_storage_stops_start_up_with_a_clear_message(env, message):
    done = run_with_settings(env, "")
    assert done.returncode != 0
    assert message in done.stderr


@pytest.fixture
def s3_evidence(monkeypatch):
    """The evidence field on a private bucket in moto's in-process S3 (no network)."""
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="cspo-evidence")
        storage = PrivateS3Storage(
            bucket_name="cspo-evidence", region_name="us-east-1", location="evidence"
        )
        monkeypatch.setattr(SeuEntry._meta.get_field("evidence"), "storage", storage)
        yield storage


@pytest.mark.django_db
def test_evidence_round_trips_through_an_s3_bucket_and_the_permission_checked_view(
    s3_evidence, practitioner_client, client, pdf
):
    entry = create_seu_entry(
        practitioner=practitioner_client.practitioner,
        earned_on=datetime.date(2026, 2, 1),
        category=SeuCategoryFactory(code="B"),
        activity="Coaching session",
        seus=Decimal("1"),
        evidence=pdf,
    )
    key = f"evidence/{entry.evidence.name}"
    stored = boto3.client("s3", region_name="us-east-1").get_object(Bucket="cspo-evidence", Key=key)
    assert stored["Body"].read() == PDF_BYTES

    response = practitioner_client.get(reverse("seus:evidence", args=[entry.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    with pytest.raises(ValueError):
        entry.evidence.url  # noqa: B018

    client.force_login(UserFactory())
    assert client.get(reverse("seus:evidence", args=[entry.pk])).status_code == 404


def test_the_evidence_alias_is_registered(settings):
    assert "evidence" in settings.STORAGES
    assert isinstance(storages["evidence"], PrivateStorage)
