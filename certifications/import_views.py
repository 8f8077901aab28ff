"""Staff upload pages for the spreadsheet imports; they call the same services as the
`import_credentials` and `import_seus` commands."""

from django.shortcuts import render

from . import services
from .course_forms import ImportForm
from .permissions import staff_required

IMPORTS = {
    "credentials": {
        "title": "Import credentials",
        "service": services.import_credentials,
        "header": ",".join(services.CREDENTIAL_COLUMNS) + "[,expires_on]",
        "command": "import_credentials",
    },
    "seus": {
        "title": "Import SEUs",
        "service": services.import_seus,
        "header": ",".join(services.SEU_COLUMNS),
        "command": "import_seus",
    },
}


def _import_page(request, kind):
    spec = IMPORTS[kind]
    form = ImportForm(request.POST or None, request.FILES or None)
    result = errors = None
    if request.method == "POST" and form.is_valid():
        try:
            result = spec["service"](
                text=form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"]
            )
        except services.ImportRefused as refused:
            errors = refused.errors
    return render(
        request,
        "certifications/import_form.html",
        {"form": form, "spec": spec, "kind": kind, "result": result, "errors": errors},
    )


@staff_required
def import_credentials(request):
    return _import_page(request, "credentials")


@staff_required
def import_seus(request):
    return _import_page(request, "seus")
