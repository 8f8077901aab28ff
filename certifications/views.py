from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from .forms import ProfileForm
from .selectors import practitioner_for
from .services import reset_calendar_token, update_profile


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
