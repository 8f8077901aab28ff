"""Who is calling: `Authorization: Bearer cspo_…` (a personal or organisation token), or
the browser's session (DRF's SessionAuthentication, which enforces CSRF)."""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import authentication, exceptions

from certifications.mfa import needs_mfa_setup
from certifications.selectors import practitioner_for

from .tokens import acting_user, find_live_token, owner_needs_second_factor


class SecondFactorRequired(exceptions.PermissionDenied):
    """Staff and trainers without a second factor are refused every way in: the pages
    send them to set one up, the API answers this problem (403) on every call."""

    default_detail = gettext_lazy(
        "Staff and trainers sign in with a second factor. Set up an authenticator app or a "
        "passkey to continue. Set it up on the site's two-factor page; until then "
        "neither your session nor your tokens work with the API."
    )
    default_code = "second_factor_required"
    problem_type = "urn:cspo:problem:second-factor-required"


def refuse_without_second_factor(user):
    if needs_mfa_setup(user):
        raise SecondFactorRequired()


class OrganisationPrincipal(AnonymousUser):
    """`request.user` for an organisation token: authenticated, but no person, so no
    practitioner endpoint answers it with anyone's data."""

    def __init__(self, organisation):
        self.organisation = organisation

    @property
    def is_authenticated(self):
        return True

    def __str__(self):
        return f"organisation {self.organisation.slug}"


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send one token: Authorization: Bearer <token>.")
            )
        try:
            secret = header[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from error
        token = find_live_token(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(_("The token is not valid, expired or revoked."))
        if token.organisation_id is not None:
            return OrganisationPrincipal(token.organisation), token
        if owner_needs_second_factor(token):
            raise SecondFactorRequired()
        return acting_user(token), token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's session (CSRF enforced), refused like a token while its user lacks
    the second factor their role requires."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            refuse_without_second_factor(result[0])
        return result


def token_of(request):
    """The ApiToken behind the request, or None for a browser session."""
    from .models import ApiToken

    return request.auth if isinstance(request.auth, ApiToken) else None


def practitioner_of(request):
    """The caller's practitioner profile: the one their token was read with, else
    `practitioner_for` (a session, or a person without a profile yet, who gets one)."""
    token = token_of(request)
    if token is not None and token.owner_practitioner is not None:
        return token.owner_practitioner
    return practitioner_for(request.user)


def organisation_of(request):
    """The organisation an organisation token acts for, or None."""
    return getattr(request.user, "organisation", None)
