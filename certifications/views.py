from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from .calendar import calendar_feed as build_calendar_feed
from .forms import ProfileForm
from .models import Practitioner
from .selectors import dashboard_cards, practitioner_for
from .services import reset_calendar_token, update_profile


@login_required
def dashboard(request):
    practitioner = practitioner_for(request.user)
    return render(
        request,
        "certifications/dashboard.html",
        {"practitioner": practitioner, "cards": dashboard_cards(practitioner)},
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
        "optional_reminders": practitioner.optional_reminders,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        update_profile(practitioner=practitioner, **form.cleaned_data)
        messages.success(request, "Your profile is saved.")
        return redirect("profile")
    calendar_url = request.build_absolute_uri(
        reverse("calendar_feed", args=[practitioner.calendar_token])
    )
    return render(
        request,
        "certifications/profile.html",
        {"form": form, "practitioner": practitioner, "calendar_url": calendar_url},
    )


@login_required
@require_POST
def calendar_reset(request):
    reset_calendar_token(practitioner=practitioner_for(request.user))
    messages.success(request, "Your calendar link is new; the old one no longer works.")
    return redirect("profile")


def calendar_feed(request, token):
    """The secret per-user .ics feed: no login (calendar apps cannot log in); the token
    is the credential. An unknown token answers 404."""
    practitioner = get_object_or_404(Practitioner, calendar_token=token)
    response = HttpResponse(build_calendar_feed(practitioner), content_type="text/calendar")
    response["Content-Disposition"] = 'inline; filename="cspo-tracker.ics"'
    return response
