"""The practitioner's own pages beyond the SEU log: the dashboard (staff and trainers
land on their own home), the calendar feed, the profile and the notification settings,
the download of everything held about them and the erasure of their account. Thin
callers of the domain apps' selectors and services."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from certifications import privacy, roles
from certifications.models import Practitioner
from certifications.own_pages import kept_own_page
from certifications.selectors import practitioner_for
from certifications.services import reset_calendar_token, update_profile
from cspo_tracker.confirm import confirm_page
from cspo_tracker.privacy import export
from renewals.claims import services as claims
from renewals.reminders import notifications

from .calendar import calendar_feed as build_calendar_feed
from .dashboard import dashboard_cards
from .forms import EraseAccountForm, ProfileForm
from .glance import glances_for


@login_required
def dashboard(request):
    """The practitioner's dashboard; staff and trainers land on their own home (the role
    chosen in the navbar's switcher, else their first)."""
    role = roles.active_role(request)
    if role == roles.STAFF:
        return redirect("staff_console")
    if role == roles.TRAINER:
        return redirect("trainer_home")
    practitioner = practitioner_for(request.user)
    return kept_own_page(request, practitioner, lambda: _render_dashboard(request, practitioner))


def _render_dashboard(request, practitioner):
    cards = dashboard_cards(practitioner)
    return render(
        request,
        "practitioners/dashboard.html",
        {
            "practitioner": practitioner,
            "cards": cards,
            "pending_claims": list(claims.pending_claims_of(practitioner)),
            "glances": glances_for([card.progress for card in cards]),
        },
    )


def calendar_feed(request, token):
    """The secret per-user .ics feed: no login (calendar apps cannot log in); the token
    is the credential. An unknown token answers 404."""
    practitioner = get_object_or_404(Practitioner, calendar_token=token)
    response = HttpResponse(build_calendar_feed(practitioner), content_type="text/calendar")
    response["Content-Disposition"] = 'inline; filename="cspo-tracker.ics"'
    return response


@login_required
def notification_settings(request):
    practitioner = practitioner_for(request.user)
    if request.method == "POST":
        try:
            notifications.set_reminder_kinds(
                practitioner=practitioner,
                wanted_offset_ids=[v for v in request.POST.getlist("kind") if v.isdecimal()],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Reminder settings saved."))
            return redirect("notifications")
    page = Paginator(notifications.email_history(practitioner), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "practitioners/notifications.html",
        {
            "kinds": notifications.reminder_kinds(practitioner),
            "optional_reminders": practitioner.optional_reminders,
            "page": page,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    practitioner = practitioner_for(request.user)
    user = request.user
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "time_zone": practitioner.time_zone,
        "language": user.language,
        "optional_reminders": practitioner.optional_reminders,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        update_profile(practitioner=practitioner, **form.cleaned_data)
        messages.success(request, _("Your profile is saved."))
        return redirect("profile")
    calendar_url = request.build_absolute_uri(
        reverse("calendar_feed", args=[practitioner.calendar_token])
    )
    return render(
        request,
        "practitioners/profile.html",
        {"form": form, "practitioner": practitioner, "calendar_url": calendar_url},
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar_reset(request):
    if request.method == "GET":
        return confirm_page(
            request,
            title=_("Make a new calendar link?"),
            consequences=[
                _(
                    "The current link stops working at once: calendars subscribed to it get "
                    "“not found” and stop updating."
                ),
                _("Paste the new link into each calendar app you use."),
            ],
            button=_("Make a new link"),
            cancel_url=reverse("profile"),
        )
    reset_calendar_token(practitioner=practitioner_for(request.user))
    messages.success(request, _("Your calendar link is new; the old one no longer works."))
    return redirect("profile")


@login_required
@require_POST
def data_export(request):
    """Everything held about the signed-in person, as one zip streamed as it is written
    (GDPR art. 20). A POST: it signs the credentials' current copies first."""
    person = privacy.prepare_export(user=request.user)
    response = StreamingHttpResponse(export.archive(person), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="cspo-tracker-data-{timezone.localdate():%Y-%m-%d}.zip"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def erase_account(request):
    """The practitioner erases their account (GDPR art. 17), confirmed with their password
    and second factor; they are signed out at once and the erasure runs."""
    refusal = privacy.erasure_refusal(request.user)
    form = EraseAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            privacy.request_erasure(user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            logout(request)
            return redirect("account_erased")
    return render(request, "practitioners/erase_account.html", {"form": form, "refusal": refusal})


def account_erased(request):
    """Where an erased account lands, signed out."""
    return render(request, "practitioners/account_erased.html")
