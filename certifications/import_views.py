"""Staff upload pages for the spreadsheet imports; they call the same services as the
`import_credentials` and `import_seus` commands."""

from django.shortcuts import render

from . import imports
from .course_forms import ImportForm
from .permissions import staff_required


def import_page(request, *, kind, title, service, header, command):
    """The upload page of one import: `service(text=..., dry_run=...)` does the work
    (seus.views uses it for the SEU import)."""
    spec = {"title": title, "service": service, "header": header, "command": command}
    form = ImportForm(request.POST or None, request.FILES or None)
    result = errors = None
    if request.method == "POST" and form.is_valid():
        try:
            result = spec["service"](
                text=form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"]
            )
        except imports.ImportRefused as refused:
            errors = refused.errors
    return render(
        request,
        "certifications/import_form.html",
        {"form": form, "spec": spec, "kind": kind, "result": result, "errors": errors},
    )


@staff_required
def import_credentials(request):
    return import_page(
        request,
        kind="credentials",
        title="Import credentials",
        service=imports.import_credentials,
        header=",".join(imports.CREDENTIAL_COLUMNS) + "[,expires_on]",
        command="import_credentials",
    )
