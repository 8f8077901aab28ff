"""The SEU log pages: thin callers of seus.selectors and seus.services."""

import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from certifications.dates import today_for
from certifications.own_pages import kept_own_page
from certifications.selectors import practitioner_for
from cspo_tracker.csv_export import csv_response

from . import selectors, services
from .forms import SeuEntryForm, SeuFilterForm


def _filtered(request, practitioner):
    windows = selectors.windows_for(practitioner)
    form = SeuFilterForm(request.GET or None, windows=windows)
    window = category = None
    if form.is_valid():
        window = next((w for w in windows if w.cycle_id == form.cleaned_data["window"]), None)
        category = form.cleaned_data["category"]
    entries = selectors.entries_for(practitioner, window=window, category=category)
    return form, windows, entries


@login_required
def entry_list(request):
    practitioner = practitioner_for(request.user)
    return kept_own_page(request, practitioner, lambda: _render_list(request, practitioner))


def _render_list(request, practitioner):
    filter_form, windows, entries = _filtered(request, practitioner)
    page = Paginator(selectors.with_renewal_lock(entries), settings.SEU_LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "seus/entry_list.html",
        {
            "filter_form": filter_form,
            "windows": windows,
            "today": today_for(practitioner),
            "page": page,
            "category_totals": list(selectors.totals_by_category(entries)),
            "filter_query": query.urlencode(),
        },
    )


def _save(request, form, call):
    """Run a service; its rule violations are shown beside the form's fields."""
    try:
        return call()
    except ValidationError as error:
        if hasattr(error, "error_dict") and "save_anyway" in error.error_dict:
            form.ask_save_anyway(error.error_dict["save_anyway"][0].message)
        elif hasattr(error, "error_dict"):
            form.add_error(None, error)
        else:
            form.add_error(None, error.messages)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request):
    practitioner = practitioner_for(request.user)
    form = SeuEntryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        entry = _save(
            request,
            form,
            lambda: services.create_seu_entry(
                practitioner=practitioner,
                evidence=form.cleaned_data["evidence"],
                allow_duplicate=form.cleaned_data["save_anyway"],
                **form.changes(),
            ),
        )
        if entry:
            messages.success(
                request,
                _("Logged %(seus)s SEUs: %(activity)s.")
                % {"seus": f"{entry.seus.normalize():f}", "activity": entry.activity},
            )
            note = selectors.counting_note(
                practitioner, entry.earned_on, today=today_for(practitioner)
            )
            if note:
                messages.info(request, note)
            return redirect("seus:list")
    return render(request, "seus/entry_form.html", {"form": form, "entry": None})


@login_required
@require_http_methods(["GET", "POST"])
def entry_update(request, pk):
    entry = selectors.entry_for(practitioner_for(request.user), pk)
    if entry.is_consumed:
        messages.error(request, _("This entry was used by a completed renewal and is read-only."))
        return redirect("seus:list")
    form = SeuEntryForm(request.POST or None, request.FILES or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        saved = _save(
            request,
            form,
            lambda: services.update_seu_entry(
                entry=entry,
                evidence=form.cleaned_data["evidence"],
                remove_evidence=form.cleaned_data.get("remove_evidence", False),
                allow_duplicate=form.cleaned_data["save_anyway"],
                **form.changes(),
            ),
        )
        if saved:
            messages.success(request, _("Saved: %(activity)s.") % {"activity": saved.activity})
            return redirect("seus:list")
    return render(request, "seus/entry_form.html", {"form": form, "entry": entry})


@login_required
@require_http_methods(["GET", "POST"])
def entry_delete(request, pk):
    entry = selectors.entry_for(practitioner_for(request.user), pk)
    if entry.is_consumed:
        messages.error(request, _("This entry was used by a completed renewal and is read-only."))
        return redirect("seus:list")
    if request.method == "POST":
        try:
            services.delete_seu_entry(entry=entry)
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(request, _("Deleted: %(activity)s.") % {"activity": entry.activity})
        return redirect("seus:list")
    return render(request, "seus/entry_confirm_delete.html", {"entry": entry})


@login_required
def evidence(request, pk):
    """Evidence is private: its owner and staff may open it; anyone else gets 404."""
    entry = selectors.entry_with_evidence_for(request.user, pk)
    try:
        file = entry.evidence.open("rb")
    except FileNotFoundError as missing:
        raise Http404(_("The evidence file is missing.")) from missing
    content_type = mimetypes.guess_type(entry.evidence.name)[0] or "application/octet-stream"
    response = FileResponse(
        file,
        content_type=content_type,
        # The name it was uploaded under; Django writes it per RFC 6266/5987
        # (filename*=utf-8''...) when it is not plain ASCII.
        filename=entry.evidence_name or f"seu-{entry.pk}-evidence{_suffix(entry.evidence.name)}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _suffix(name):
    return "." + name.rsplit(".", 1)[-1] if "." in name else ""


CSV_HEADER = [
    "date_earned",
    "category",
    "category_name",
    "activity",
    "provider",
    "seus",
    "description",
    "has_evidence",
    "used_by_renewal",
]


@login_required
def export_csv(request):
    """The SEU log (with the list's filters) as CSV."""
    practitioner = practitioner_for(request.user)
    _form, _windows, entries = _filtered(request, practitioner)
    return csv_response(
        "seu-log.csv",
        CSV_HEADER,
        (
            [
                entry.earned_on.isoformat(),
                entry.category.code,
                entry.category.name,
                entry.activity,
                entry.provider,
                f"{entry.seus:f}",
                entry.description,
                "yes" if entry.evidence else "no",
                "yes" if entry.is_consumed else "no",
            ]
            for entry in entries.order_by("earned_on", "id")
        ),
    )
