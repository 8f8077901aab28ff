"""The staff import pages run the import as a background job: the page answers at once,
follows the job's progress, and keeps its result; a job runs exactly once."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certifications.imports import jobs as import_jobs
from certifications.models import Credential, ImportJob
from certifications.tasks import run_import_job
from cspo_tracker import publishing
from renewals.models import RenewalCycle

pytestmark = pytest.mark.django_db

CREDENTIALS = """email,first_name,last_name,program,certificate_number,issued_on,expires_on
ana@example.com,Ana,Alves,CSPO,CSPO-OLD0001,2024-02-29,
ben@example.com,Ben,Brown,CSM,CSM-OLD0002,2025-01-15,2027-01-15
"""


def upload(client, text=CREDENTIALS, **data):
    file = SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("import_credentials"), {"file": file, **data})


@pytest.fixture
def no_worker_yet(monkeypatch):
    """The job is queued for a worker on another machine that has not picked it up."""
    queued = []
    monkeypatch.setattr(publishing, "publish_job", lambda name, job_id: queued.append((job_id,)))
    return queued


def status_of(client, job):
    return json.loads(client.get(reverse("import_job_status", args=[job.pk])).content)


def test_an_upload_answers_with_the_queued_job_and_its_progress_bar(staff_client, no_worker_yet):
    response = upload(staff_client)
    job = ImportJob.objects.get()
    assert no_worker_yet == [(job.pk,)]
    page = response.content.decode()
    assert "Waiting for a worker" in page and "<progress" in page
    assert reverse("import_job_status", args=[job.pk]) in page
    assert f'href="{reverse("import_job", args=[job.pk])}"' in page  # the reload link
    assert "js/import_progress.js" in page
    assert not Credential.objects.exists()
    assert status_of(staff_client, job)["finished"] is False
    assert job.file.read().decode() == CREDENTIALS  # stored for the worker


def test_the_status_shows_rows_checked_and_written_while_the_job_runs(
    staff_client, no_worker_yet, monkeypatch
):
    upload(staff_client)
    job = ImportJob.objects.get()
    seen = []

    def slow_import(*, text, dry_run, progress):
        progress("checking", 50, 100)
        seen.append(status_of(staff_client, job))
        progress("checking", 100, 100)
        progress("writing", 40, 100)
        seen.append(status_of(staff_client, job))
        page = staff_client.get(reverse("import_job", args=[job.pk])).content.decode()
        seen.append("100 rows checked" in " ".join(page.split()).replace("</span>", ""))
        return import_jobs.ImportResult(created=100, unchanged=0, dry_run=dry_run)

    monkeypatch.setitem(import_jobs._services, "credentials", slow_import)
    run_import_job(job.pk)
    first, second, page_shows_rows = seen
    assert (first["status"], first["rows_checked"], first["percent"]) == ("running", 50, 25)
    assert (second["rows_written"], second["percent"]) == (40, 70)
    assert page_shows_rows
    final = status_of(staff_client, job)
    assert final["finished"] and final["percent"] == 100
    assert final["summary"] == "Created 100, unchanged 0."


def test_the_result_is_kept_and_shown_later(staff_client, no_worker_yet):
    upload(staff_client)
    job = ImportJob.objects.get()
    run_import_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.created_count, job.rows_total, job.rows_written) == ("done", 2, 2, 2)
    page = staff_client.get(reverse("import_job", args=[job.pk])).content.decode()
    assert "Created 2, unchanged 0." in page and "<progress" not in page
    listing = staff_client.get(reverse("import_credentials")).content.decode()
    assert reverse("import_job", args=[job.pk]) in listing and "2 created" in listing


def test_a_refused_file_keeps_each_bad_line_on_the_job(staff_client, no_worker_yet):
    upload(staff_client, CREDENTIALS + "c@example.com,C,C,NO\x00PE,N-3,2025-01-01,\n")
    job = ImportJob.objects.get()
    run_import_job(job.pk)
    job.refresh_from_db()
    assert job.status == "refused"
    # Kept even with a NUL byte in the message (a JSON column refuses it): escaped.
    assert job.errors[0][0] == 4 and "unknown program 'NO\\x00PE'" in job.errors[0][1]
    page = staff_client.get(reverse("import_job", args=[job.pk])).content.decode()
    assert "The file was refused" in page and "Line 4:" in page
    assert not Credential.objects.exists()


def test_a_job_delivered_twice_imports_once(staff_client, no_worker_yet):
    upload(staff_client)
    job = ImportJob.objects.get()
    run_import_job(job.pk)
    finished = ImportJob.objects.get(pk=job.pk).finished_at
    run_import_job(job.pk)  # the broker delivers it again (a retry, a second worker)
    job.refresh_from_db()
    assert Credential.objects.count() == 2 and RenewalCycle.objects.count() == 2
    assert (job.created_count, job.unchanged_count, job.finished_at) == (2, 0, finished)


def test_a_job_whose_worker_died_runs_again_and_imports_once(staff_client, no_worker_yet):
    upload(staff_client)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status="running")  # died mid-way: rolled back
    run_import_job(job.pk)
    job.refresh_from_db()
    assert job.status == "done" and Credential.objects.count() == 2


def test_a_dry_run_job_writes_nothing(staff_client):
    response = upload(staff_client, dry_run="on")
    assert "would create 2" in response.content.decode()
    assert not Credential.objects.exists()
    assert ImportJob.objects.get().status == "done"


def test_a_job_that_crashes_is_marked_failed_and_writes_nothing(
    staff_client, no_worker_yet, monkeypatch
):
    upload(staff_client)
    job = ImportJob.objects.get()

    def broken(**kwargs):
        import_jobs.import_credentials(**kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setitem(import_jobs._services, "credentials", broken)
    run_import_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "disk full" in job.message
    assert not Credential.objects.exists()
    assert "The import failed" in staff_client.get(reverse("import_job", args=[job.pk])).text


@pytest.mark.parametrize("name", ["import_job", "import_job_status"])
def test_practitioners_cannot_see_import_jobs(practitioner_client, name):
    job = ImportJob.objects.create(kind="credentials", file_name="x.csv", file="x.csv")
    assert practitioner_client.get(reverse(name, args=[job.pk])).status_code == 403


def test_staff_can_queue_a_waiting_job_again_and_it_still_imports_once(staff_client, no_worker_yet):
    upload(staff_client)
    job = ImportJob.objects.get()
    response = staff_client.post(reverse("import_job", args=[job.pk]))
    assert response.status_code == 302 and no_worker_yet == [(job.pk,), (job.pk,)]
    for (job_id,) in no_worker_yet:  # both deliveries reach a worker
        run_import_job(job_id)
    assert Credential.objects.count() == 2
    staff_client.post(reverse("import_job", args=[job.pk]))
    assert len(no_worker_yet) == 2  # a finished job is not queued again


def test_until_the_result_commits_other_readers_still_see_the_last_progress(
    staff_client, no_worker_yet, django_capture_on_commit_callbacks
):
    upload(staff_client)
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        run_import_job(job.pk)
        # Another request, before the commit, reads the job as it was: running, no counts.
        before_commit = ImportJob.objects.get(pk=job.pk)
        before_commit.status = ImportJob.Status.RUNNING
        before_commit.rows_total = before_commit.rows_checked = before_commit.rows_written = 0
        status = import_jobs.job_status(before_commit)
    assert status["rows_total"] == 2 and status["percent"] > 0  # not "0 of ? rows"
    for callback in after_commit:
        callback()
    assert import_jobs.job_status(ImportJob.objects.get(pk=job.pk))["percent"] == 100


def test_queue_it_again_is_offered_only_while_no_worker_has_picked_the_job_up(
    staff_client, no_worker_yet
):
    upload(staff_client)
    job = ImportJob.objects.get()
    page = staff_client.get(reverse("import_job", args=[job.pk])).text
    assert "Queue it again" in page
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    page = staff_client.get(reverse("import_job", args=[job.pk])).text
    assert "Queue it again" not in page and "<progress" in page
