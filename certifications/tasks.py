"""Celery tasks of certifications: thin callers of its services."""

from celery import shared_task

from .imports import jobs as import_jobs


@shared_task(acks_late=True)
def run_import_job(job_id):
    """Run one queued import (the staff upload pages); a finished job is left alone."""
    job = import_jobs.run_import_job(job_id=job_id)
    return job.status if job else None
