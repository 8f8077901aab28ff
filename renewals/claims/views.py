"""The practitioner's claim page: claim a credential issued elsewhere and see one's claims
(rules in renewals/claims/services.py; staff decide on staff/reviews/claims.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from certifications.selectors import practitioner_for

from . import services as claims
from .forms import ClaimForm


@login_required
def claim(request):
    practitioner = practitioner_for(request.user)
    form = ClaimForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = claims.submit_claim(practitioner=practitioner, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _(
                    "Claim of %(number)s sent: staff check it and you will get "
                    "an email when they decide."
                )
                % {"number": made.certificate_number},
            )
            return redirect("renewals:claim")
    return render(
        request,
        "renewals/claim.html",
        {"form": form, "claims": claims.claims_of(practitioner)},
    )
