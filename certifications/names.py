"""A person's name: the one way the app writes a holder's name, the rule that every
account gives one, and the page that asks for it.

Certificates and the public verification page print the holder's name; an email
address is never printed in its place. Sign-up and invitation acceptance ask
for first and last name (certifications/account_forms.py); anyone logged in without a
name is sent to `name_required` before any other page (NameRequiredMiddleware).
"""

import unicodedata
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from .time_zones import time_zone_choices

NAME_MAX_LENGTH = 150


# Control characters, private-use characters (no font draws them; the app's own page
# machinery uses some) and lone surrogates: nothing a certificate could print.
UNPRINTABLE_CATEGORIES = {"Cc", "Co", "Cs"}


def validate_printable(value):
    """A name holds only characters a certificate can print."""
    for character in value or "":
        if unicodedata.category(character) in UNPRINTABLE_CATEGORIES:
            raise forms.ValidationError(
                _(
                    "Use only characters that can be printed on a certificate "
                    "(this one cannot: %(code_point)s)."
                )
                % {"code_point": f"U+{ord(character):04X}"},
                code="unprintable",
            )


def has_name(user):
    user = getattr(user, "user", user)
    return bool((user.first_name or "").strip() and (user.last_name or "").strip())


class NameFields(forms.Form):
    """First and last name, both required (also mixed into the sign-up forms)."""

    first_name = forms.CharField(
        label=gettext_lazy("First name"),
        max_length=NAME_MAX_LENGTH,
        validators=[validate_printable],
        error_messages={"required": gettext_lazy("Enter your first name.")},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=gettext_lazy("Last name"),
        max_length=NAME_MAX_LENGTH,
        validators=[validate_printable],
        error_messages={"required": gettext_lazy("Enter your last name.")},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        help_text=gettext_lazy("As it should appear on your certificates."),
    )

    def clean_first_name(self):
        return _required_text(self.cleaned_data["first_name"], _("Enter your first name."))

    def clean_last_name(self):
        return _required_text(self.cleaned_data["last_name"], _("Enter your last name."))


def _required_text(value, message):
    value = " ".join((value or "").split())
    if not value:
        raise forms.ValidationError(message)
    return value


class SignupNameForm(NameFields):
    """ACCOUNT_SIGNUP_FORM_CLASS: allauth adds its email and password fields to these.
    The time zone starts as UTC; static/js/timezone.js selects the browser's zone on a
    fresh form (data-detect), so a practitioner's days left count in their own zone from
    the first page."""

    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        choices=time_zone_choices,
        initial="UTC",
        required=False,  # left out (no JS, a script): UTC, changed later on the profile
        help_text=gettext_lazy("Deadlines and days left are counted in this time zone."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["time_zone"].widget.attrs["data-detect"] = "select"

    def signup(self, request, user):
        from .services import start_practitioner

        save_name(
            user,
            first_name=self.cleaned_data["first_name"],
            last_name=self.cleaned_data["last_name"],
        )
        start_practitioner(user=user, time_zone=self.cleaned_data["time_zone"] or "UTC")


def save_name(user, *, first_name, last_name):
    user.first_name, user.last_name = first_name, last_name
    user.save(update_fields=["first_name", "last_name"])


@login_required
@require_http_methods(["GET", "POST"])
def name_required(request):
    """Asks a logged-in user without a name for one, then continues where they were going."""
    user = request.user
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = NameFields(
        request.POST or None, initial={"first_name": user.first_name, "last_name": user.last_name}
    )
    if request.method == "POST" and form.is_valid():
        save_name(user, **form.cleaned_data)
        return redirect(next_url or "dashboard")
    return render(request, "certifications/name_required.html", {"form": form, "next": next_url})


# Paths a user without a name may still open: the name form itself, allauth's pages
# (logout, email confirmation, two-factor), static files, probes and public pages.
OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz", "/metrics", "/favicon")


class NameRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not has_name(user)
            and not request.path.startswith(OPEN_PREFIXES)
            and request.path != reverse("name_required")
        ):
            target = reverse("name_required")
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)
