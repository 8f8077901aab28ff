from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from renewals.selectors import credential_progress

from .selectors import credentials_of, practitioner_for


@login_required
def dashboard(request):
    practitioner = practitioner_for(request.user)
    progress = credential_progress(credentials_of(practitioner)) if practitioner else []
    return render(
        request,
        "certifications/dashboard.html",
        {"practitioner": practitioner, "progress": progress},
    )
