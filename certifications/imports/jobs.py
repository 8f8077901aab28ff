"""Imports run as background jobs (the staff upload pages): the upload is stored and an
ImportJob row handed to Celery (cspo_tracker.publishing.publish_job); the worker runs the same import
service as the commands, reporting its progress, and keeps the result on the row.

Exactly once: the worker holds the job's row lock for the whole import and writes the
result in the import's transaction, so a job delivered twice (a retry, a second worker)
imports once; a worker that dies mid-way leaves nothing written and the job runnable.
Live progress (rows checked and written) goes to Django's cache, which every process
shares when CACHE_URL points at Redis: the import's own writes are not visible before
its commit, and the row lock holds.
"""

import logging
import uuid

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cspo_tracker import publishing

from ..models import ImportJob
from .services import CONTROL_CHARACTER, ImportRefused, ImportResult, import_credentials

logger = logging.getLogger(__name__)

TASK = "certifications.tasks.run_import_job"
_services = {"credentials": import_credentials}


def register(kind, service):
    """An app above adds its import (seus registers "seus" in SeusConfig.ready)."""
    _services[kind] = service


@transaction.atomic
def start_import(*, kind, text, file_name, dry_run, by):
    """Store the uploaded text and queue the job that imports it; returns the job."""
    if kind not in _services:
        raise ValueError(f"Unknown import {kind!r}")
    job = ImportJob(kind=kind, file_name=file_name[:255], dry_run=dry_run, created_by=by)
    job.file.save(f"{kind}-{uuid.uuid4().hex}.csv", ContentFile(text.encode()), save=False)
    job.save()
    publishing.publish_job(TASK, job.pk)
    return job


def queue_again(*, job):
    """Hand an unfinished job to the broker again (it was down at upload time, or a worker
    died): safe to repeat, the job still imports once."""
    if not job.is_finished:
        publishing.publish_job(TASK, job.pk)


def run_import_job(*, job_id):
    """Run a queued job once (a finished one is left as it is). Returns the job."""
    started = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    if started:
        _set_progress(job_id, "checking", 0, 0)
    try:
        return _run(job_id)
    except Exception as exc:  # recorded for staff; the import's transaction rolled back
        logger.exception("import job %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).exclude(status__in=ImportJob.FINISHED).update(
            status=ImportJob.Status.FAILED,
            message=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        return ImportJob.objects.filter(pk=job_id).first()


@transaction.atomic
def _run(job_id):
    job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.is_finished:
        return job
    with job.file.open("rb") as stored:
        text = stored.read().decode("utf-8")
    counts = {"checking": 0, "writing": 0, "total": 0}

    def progress(stage, done, total):
        counts[stage] = done
        if stage == "checking":
            counts["total"] = total
        _set_progress(job_id, stage, counts["checking"], counts["total"], counts["writing"])

    try:
        result = _services[job.kind](text=text, dry_run=job.dry_run, progress=progress)
    except ImportRefused as refused:
        job.status = ImportJob.Status.REFUSED
        job.errors = [[line, _printable(problem)] for line, problem in refused.errors]
        counts["writing"] = 0
    else:
        job.status = ImportJob.Status.DONE
        job.created_count, job.unchanged_count = result.created, result.unchanged
        counts["total"] = max(counts["total"], result.created + result.unchanged)
    job.rows_total = counts["total"]
    job.rows_checked = min(counts["checking"], job.rows_total)
    job.rows_written = min(counts["writing"], job.rows_total)
    job.finished_at = timezone.now()
    job.save()
    # Until this transaction commits, other requests still read the job as running with
    # no counts stored: the live progress must stay until then, or the page shows
    # "0 of ? rows" between 99 % and the result.
    transaction.on_commit(lambda: cache.delete(_progress_key(job_id)))
    return job


def _printable(text):
    """A message quoting a cell may hold control characters (a NUL byte), which a JSON
    column in PostgreSQL refuses: they are kept as visible escapes."""
    return CONTROL_CHARACTER.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _progress_key(job_id):
    return f"import-job:{job_id}:progress"


def _set_progress(job_id, stage, checked, total, written=0):
    cache.set(
        _progress_key(job_id),
        {"stage": stage, "checked": checked, "total": total, "written": written},
        timeout=24 * 3600,
    )


def job_status(job):
    """What the job page and its JSON status show: status, rows, percent, result."""
    live = None if job.is_finished else cache.get(_progress_key(job.pk))
    if live:
        total, checked, written = live["total"], live["checked"], live["written"]
        stage = live["stage"]
    else:
        total, checked, written = job.rows_total, job.rows_checked, job.rows_written
        stage = job.status
    if job.is_finished:
        percent = 100
    elif total:  # checking is the first half, writing the second
        percent = min(99, int(50 * checked / total + 50 * written / total))
    else:
        percent = 0
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "stage": stage,
        "finished": job.is_finished,
        "rows_total": total,
        "rows_checked": checked,
        "rows_written": written,
        "percent": percent,
        "summary": result_of(job).summary() if job.status == ImportJob.Status.DONE else "",
        "error_count": len(job.errors),
    }


def result_of(job):
    return ImportResult(
        created=job.created_count, unchanged=job.unchanged_count, dry_run=job.dry_run
    )
