"""Two-factor sign-in is required for staff and trainers.

Staff (`is_staff`) and active Certified Scrum Trainers (`Trainer.is_active`) handle other
people's credentials, so a password alone does not open their pages: such a user without
a second factor (TOTP app or WebAuthn passkey, from django-allauth's MFA) is sent to the
two-factor page before any staff or trainer page or the Django admin. Once a factor is
set up, allauth asks for it at every login. Practitioners may opt in from the same page.

One place decides: `RequireMFAMiddleware`. Staff can reach other people's evidence and
certificates from ordinary pages too, so a staff member is sent to set up a factor before
any page but allauth's own (login, logout, two-factor setup) and the probes; a trainer
before the views `staff_required` and `course_runner_required` mark (`mfa_required`).
The API applies the same `needs_mfa_setup` to its sessions and tokens, and a token is
made only once the factor is set up (api/authentication.py, api/tokens.py).
"""

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.db.models import Exists
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy

from .selectors import active_trainer_rows

SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]

SECOND_FACTOR_REQUIRED = gettext_lazy(
    "Staff and trainers sign in with a second factor. Set up an authenticator app or a "
    "passkey to continue."
)


# Views a staff member without a second factor may still open: allauth's (where the
# factor is set up, and logout) and the load balancer's and Prometheus's probes.
OPEN_VIEW_MODULES = (
    "allauth.",
    "cspo_tracker.observability.views",
    "cspo_tracker.observability.metrics",
)


def _open_to_staff_without_mfa(view_func):
    return getattr(view_func, "__module__", "").startswith(OPEN_VIEW_MODULES)


def _answers_for_itself(view_func):
    """A REST framework view authenticates each request itself; the API's
    authentication applies `needs_mfa_setup` to sessions and tokens alike and answers
    a problem (403) instead of this redirect to an HTML page."""
    return hasattr(view_func, "cls")


def mark_mfa_required(view):
    view.mfa_required = True
    return view


def needs_mfa_setup(user):
    """True for a staff member or trainer who has not set up a second factor yet (one
    query: this runs before every staff and trainer page)."""
    if not user.is_authenticated:
        return False
    second_factor = Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS)
    if user.is_staff:
        return not second_factor.exists()
    return active_trainer_rows(user).filter(~Exists(second_factor)).exists()


class RequireMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or _answers_for_itself(view_func):
            return None
        if user.is_staff:
            protected = not _open_to_staff_without_mfa(view_func)
        else:
            protected = getattr(view_func, "mfa_required", False) or request.path.startswith(
                reverse("admin:index")
            )
        if protected and needs_mfa_setup(user):
            messages.warning(request, SECOND_FACTOR_REQUIRED)
            return redirect("mfa_index")
        return None
