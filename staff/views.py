"""Staff console, trainer home, role switcher, search, practitioner view, audit log. Thin:
each view calls one selector or service and renders."""

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from certifications import roles
from certifications.dates import today_in
from certifications.models import Credential, Practitioner
from certifications.permissions import course_runner_required, staff_required
from certifications.vc import services as vc_services

from . import selectors, services
from .audit import AUDITED, entries_for
from .forms import IdentityForm, SearchForm

# The words services.correct_identity reports as corrected, as staff read them.
CORRECTED_FIELDS = {"name": gettext_lazy("name"), "email": gettext_lazy("email")}


def _today():
    return today_in(settings.TIME_ZONE)


@staff_required
def console(request):
    """What needs staff action now, each count linking to its list."""
    return render(
        request,
        "staff/console.html",
        {"counts": selectors.console_counts(user=request.user, today=_today())},
    )


@course_runner_required
def trainer_home(request):
    """The trainer's upcoming and open courses with what is left to do."""
    return render(
        request,
        "staff/trainer_home.html",
        {"courses": selectors.trainer_home(user=request.user, today=_today())},
    )


@login_required
@require_POST
def switch_role(request):
    if not roles.choose_role(request, request.POST.get("role", "")):
        messages.error(request, _("You do not have that role."))
    return redirect("dashboard")


@course_runner_required
def search(request):
    form = SearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    group = request.GET.get("group")
    results = selectors.search(user=request.user, q=q, group=group, page=request.GET.get("page"))
    return render(
        request,
        "staff/search.html",
        {"form": form, "q": q, "group": group, "results": results},
    )


@staff_required
def practitioner_detail(request, pk):
    try:
        file = selectors.practitioner_file(pk)
    except Practitioner.DoesNotExist:
        raise Http404(_("No such practitioner.")) from None
    return render(request, "staff/practitioner.html", {"file": file})


@staff_required
def practitioner_edit(request, pk):
    """Staff correct a name or an email; the change is audited."""
    practitioner = get_object_or_404(Practitioner.objects.select_related("user"), pk=pk)
    user = practitioner.user
    form = IdentityForm(
        request.POST or None,
        initial={"first_name": user.first_name, "last_name": user.last_name, "email": user.email},
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.correct_identity(
                practitioner=practitioner, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            messages.success(
                request,
                _("Saved (%(fields)s corrected).")
                % {"fields": ", ".join(str(CORRECTED_FIELDS.get(f, f)) for f in changed)}
                if changed
                else _("Nothing changed."),
            )
            return redirect("staff_practitioner", pk=pk)
    return render(
        request, "staff/practitioner_edit.html", {"form": form, "practitioner": practitioner}
    )


RECENT_CHANGES = 200


@staff_required
def audit_log(request):
    """The latest changes to every audited record, newest first, on a staff page (the
    admin's log is for the admin's own users)."""
    entries = (
        LogEntry.objects.select_related("actor", "content_type")
        .filter(content_type__in=[ContentType.objects.get_for_model(m) for m in dict(AUDITED)])
        .order_by("-timestamp", "-pk")[:RECENT_CHANGES]
    )
    return render(
        request,
        "staff/audit.html",
        {"object": None, "entries": entries, "actions": LogEntry.Action},
    )


@staff_required
def audit_trail(request, app_label, model, pk):
    """The audit log of one object: who changed what, when."""
    content_type = get_object_or_404(ContentType, app_label=app_label, model=model)
    model_class = content_type.model_class()
    if model_class not in dict(AUDITED):
        raise Http404(_("This kind of record is not audited."))
    obj = get_object_or_404(model_class, pk=pk)
    entries = entries_for({model_class: [obj.pk]})[:500]
    return render(
        request,
        "staff/audit.html",
        {"object": obj, "entries": entries, "actions": LogEntry.Action},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def revoke(request, certificate_number):
    """Staff revoke a credential with a reason; the status lists follow at once."""
    credential = get_object_or_404(
        Credential.objects.with_related(), certificate_number=certificate_number
    )
    error = ""
    if request.method == "POST" and not credential.is_revoked:
        try:
            vc_services.revoke_credential(
                credential=credential, by=request.user, reason=request.POST.get("reason", "")
            )
        except ValidationError as exc:
            error = " ".join(exc.message_dict.get("reason", exc.messages))
        else:
            messages.success(
                request,
                _("%(number)s is revoked.") % {"number": credential.certificate_number},
            )
            return redirect("verify_credential", credential.certificate_number)
    return render(
        request,
        "staff/revoke.html",
        {"credential": credential, "error": error},
        status=400 if error else 200,
    )
