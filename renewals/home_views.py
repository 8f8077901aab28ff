"""The practitioner's home pages that show renewal progress: the dashboard and the
calendar feed of expiry and reminder dates."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from certifications import roles
from certifications.models import Practitioner
from certifications.own_pages import kept_own_page
from certifications.selectors import practitioner_for

from .calendar import calendar_feed as build_calendar_feed
from .dashboard import dashboard_cards
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
        "renewals/dashboard.html",
        {
            "practitioner": practitioner,
            "cards": cards,
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
