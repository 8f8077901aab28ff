"""Scopes, enforced on every endpoint. A view states what each method needs:

    required_scopes = {"GET": "seus:read", "POST": "seus:write"}   # per method
    required_scope = "webhooks:manage"                               # every method
    required_scopes = {"GET": ("courses:write", "attendance:write")}  # any one of them

A method with no scope named is refused (403), so a new endpoint cannot be open by
omission; public endpoints say `permission_classes = [AllowAny]`. A token must hold the
scope; a browser session acts as its user with every scope. `"*"` means any
authenticated caller (GET /me)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission

from .authentication import organisation_of, token_of

ANY_TOKEN = "*"  # the endpoint needs an authenticated caller, no particular scope


def scope_needed(view, method):
    if method == "HEAD":
        method = "GET"
    scopes = getattr(view, "required_scopes", None)
    if scopes is not None:
        return scopes.get(method)
    return getattr(view, "required_scope", None)


class HasScope(BasePermission):
    message = gettext_lazy("This token lacks the scope this endpoint needs.")

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method == "OPTIONS" or request.method not in view.allowed_methods:
            return True  # the view answers 405 with Allow
        scope = scope_needed(view, request.method)
        if scope is None:
            return False
        token = token_of(request)
        accepted = (scope,) if isinstance(scope, str) else tuple(scope)
        if ANY_TOKEN in accepted or token is None:
            return True
        if not any(token.has_scope(name) for name in accepted):
            # Translators: %(scopes)s is one or more scope codes joined by " or ".
            self.message = _("This token lacks the scope %(scopes)s.") % {
                "scopes": " or ".join(accepted)
            }
            return False
        return True


class PersonOnly(BasePermission):
    """Endpoints about "me": a personal token or a session, not an organisation token."""

    message = gettext_lazy("This endpoint answers a person's token, not an organisation's.")

    def has_permission(self, request, view):
        return organisation_of(request) is None


class OrganisationOnly(BasePermission):
    """Endpoints for SEU providers: an organisation token only."""

    message = gettext_lazy("This endpoint needs an organisation token (ask staff for one).")

    def has_permission(self, request, view):
        return organisation_of(request) is not None
