"""The record of a staff upload run as a background job (certifications.imports.jobs);
imported by certifications.models so Django finds it."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy


def import_storage():
    """STORAGES["imports"] (settings: IMPORT_STORAGE), private, shared with the workers."""
    return storages["imports"]


class ImportJob(models.Model):
    """One uploaded file, imported (or checked, for a dry run) by a Celery worker. The
    file is kept in STORAGES["imports"] so a worker on another machine can read it; the
    result (counts, or every refused line) is kept for staff to see later."""

    class Status(models.TextChoices):
        QUEUED = "queued", gettext_lazy("Waiting for a worker")
        RUNNING = "running", gettext_lazy("Running")
        DONE = "done", gettext_lazy("Done")
        REFUSED = "refused", gettext_lazy("Refused")
        FAILED = "failed", gettext_lazy("Failed")

    FINISHED = (Status.DONE, Status.REFUSED, Status.FAILED)

    kind = models.CharField(
        max_length=20, help_text=gettext_lazy("Which import: credentials or seus.")
    )
    file = models.FileField(upload_to="%Y/%m/", storage=import_storage, max_length=255)
    file_name = models.CharField(
        max_length=255, help_text=gettext_lazy("The name the file was uploaded as.")
    )
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(
        default=list, blank=True, help_text=gettext_lazy("[[line, problem], ...]")
    )
    message = models.TextField(blank=True, help_text=gettext_lazy("Why a failed job failed."))

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "refused", "failed"]),
                name="import_job_status_known",
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(status__in=["done", "refused", "failed"]),
                name="import_job_finished_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(rows_checked__lte=models.F("rows_total"))
                & Q(rows_written__lte=models.F("rows_total")),
                name="import_job_rows_within_total",
            ),
        ]
        indexes = [models.Index(fields=["kind", "-created_at"])]

    def __str__(self):
        return f"{self.kind} import #{self.pk} ({self.status})"

    @property
    def is_finished(self):
        return self.status in self.FINISHED
