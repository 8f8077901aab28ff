"""The API tokens page (linked from the profile): make a token, shown once; revoke one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from . import tokens
from .forms import TokenForm
from .models import ApiToken


def _add_errors(form, error):
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    form = TokenForm(request.POST or None)
    new = None
    if request.method == "POST" and form.is_valid():
        try:
            new = tokens.create_token(
                user=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.expires_at(),
            )
        except ValidationError as error:
            if "expires_at" in error.message_dict:
                error = ValidationError({"expires_on": error.message_dict.pop("expires_at")})
            _add_errors(form, error)
        else:
            form = TokenForm()
    response = render(
        request,
        "api/tokens.html",
        {"form": form, "new": new, "tokens": tokens.tokens_of(request.user)},
        status=422 if form.errors else 200,
    )
    return response


@login_required
@require_POST
def token_revoke(request, pk):
    try:
        token = tokens.token_of(request.user, pk)
    except ApiToken.DoesNotExist as missing:
        raise Http404 from missing
    tokens.revoke_token(token=token)
    messages.success(request, f"Revoked “{token.name}”: it no longer works.")
    return redirect("api_tokens")
