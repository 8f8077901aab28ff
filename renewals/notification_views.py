"""The practitioner's notification settings and email history (renewals/notifications.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from certifications.selectors import practitioner_for

from . import notifications


@login_required
def settings_page(request):
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
            messages.success(request, "Reminder settings saved.")
            return redirect("renewals:notifications")
    page = Paginator(notifications.email_history(practitioner), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "renewals/notifications.html",
        {
            "kinds": notifications.reminder_kinds(practitioner),
            "optional_reminders": practitioner.optional_reminders,
            "page": page,
        },
    )
