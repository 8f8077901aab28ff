"""The API tokens page (linked from the profile): make a token, shown once; revoke one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from certifications.mfa import mark_mfa_required
from cspo_tracker.confirm import confirm_page

from . import tokens
from .forms import TokenForm
from .models import ApiToken

FIELDS = {"expires_at": "expires_on"}  # the service's argument -> the form's field


def _add_errors(form, error):
    for field, messages_ in error.message_dict.items():
        field = FIELDS.get(field, field)
        form.add_error(field if field in form.fields else None, messages_)


NEW_TOKEN_KEY = "api_new_token"


@mark_mfa_required
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    """POST makes a token and redirects (a reload makes no second one); the next GET
    shows its secret once, taken out of the session as it is shown."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = tokens.create_token(
                user=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.expires_at(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            request.session[NEW_TOKEN_KEY] = {"name": new.token.name, "secret": new.secret}
            return redirect("api_tokens")
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "new": request.session.pop(NEW_TOKEN_KEY, None),
            "tokens": tokens.tokens_of(request.user),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, pk):
    try:
        token = tokens.token_of(request.user, pk)
    except ApiToken.DoesNotExist as missing:
        raise Http404 from missing
    if request.method == "GET":
        return confirm_page(
            request,
            title=_("Revoke the token “%(name)s”?") % {"name": token.name},
            consequences=[
                _("Every program using it gets 401 from its next request on."),
                _("This cannot be undone: make a new token for anything that still needs access."),
            ],
            button=_("Revoke token"),
            cancel_url=reverse("api_tokens"),
        )
    tokens.revoke_token(token=token)
    messages.success(request, _("Revoked “%(name)s”: it no longer works.") % {"name": token.name})

    return redirect("api_tokens")
