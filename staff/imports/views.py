"""Staff upload pages for the spreadsheet imports. An upload becomes a background job
(certifications.imports.jobs) running the same services as the `import_credentials` and
`import_seus` commands; the page answers at once and follows the job's progress."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from certifications.imports import jobs as import_jobs
from certifications.imports import services as imports
from certifications.models import ImportJob
from certifications.permissions import staff_required
from seus.imports import SEU_COLUMNS

from .forms import ImportForm

RECENT_JOBS = 10


def import_page(request, *, kind, title, header, command):
    """The upload page of one import (seus.views uses it for the SEU import). A valid
    upload is stored and queued; the answer is the job's page."""
    spec = {"title": title, "header": header, "command": command}
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_jobs.start_import(
            kind=kind,
            text=form.cleaned_data["file"],
            file_name=request.FILES["file"].name,
            dry_run=form.cleaned_data["dry_run"],
            by=request.user,
        )
        job.refresh_from_db()  # in-process workers (no broker) have finished it already
        return _job_page(request, job, spec=spec, kind=kind)
    recent = ImportJob.objects.filter(kind=kind).select_related("created_by")[:RECENT_JOBS]
    return render(
        request,
        "staff/import_form.html",
        {"form": form, "spec": spec, "kind": kind, "recent": recent},
    )


def _job_page(request, job, *, spec=None, kind=None):
    return render(
        request,
        "staff/import_job.html",
        {
            "job": job,
            "kind": kind or job.kind,
            "spec": spec,
            "status": import_jobs.job_status(job),
            "errors": job.errors if job.status == ImportJob.Status.REFUSED else None,
        },
    )


@staff_required
def import_credentials(request):
    return import_page(
        request,
        kind="credentials",
        title=_("Import credentials"),
        header=",".join(imports.CREDENTIAL_COLUMNS) + "[,expires_on]",
        command="import_credentials",
    )


@staff_required
@require_http_methods(["GET", "POST"])
def import_job(request, pk):
    """One import job: its progress while it runs, its result for good. POST queues an
    unfinished job again (the broker was down, a worker died)."""
    job = get_object_or_404(ImportJob, pk=pk)
    if request.method == "POST":
        import_jobs.queue_again(job=job)
        return redirect("import_job", pk=job.pk)
    return _job_page(request, job)


@staff_required
@require_GET
def import_job_status(request, pk):
    """The job's progress as JSON, polled by static/js/import_progress.js."""
    return JsonResponse(import_jobs.job_status(get_object_or_404(ImportJob, pk=pk)))


@staff_required
def import_seus(request):
    """The staff upload page of the SEU import (the same service as `import_seus`)."""
    return import_page(
        request,
        kind="seus",
        title=_("Import SEUs"),
        header=",".join(SEU_COLUMNS),
        command="import_seus",
    )
