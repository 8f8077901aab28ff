"""Which language to speak: on a page (the signed-in person's choice, else the cookie,
else Accept-Language) and in an email (the recipient's choice, else the default).

URLs carry no language (docs/decisions/0029-one-url-per-page-in-every-language.md): a
link in an email or printed on a certificate opens the same page in every language.
The user model's `language` field holds a person's choice (blank: follow the browser).
"""

from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

LANGUAGE_QUERY_PARAMETER = "lang"


def supported(code):
    """The supported language `code` stands for ("pt" and "pt-PT" → "pt-br", "de-AT" →
    "de"), or "" when none."""
    if not code:
        return ""
    try:
        return translation.get_supported_language_variant(code.strip().lower())
    except LookupError:
        return ""


def language_of(user):
    """The language to address `user` in: their choice, else settings.LANGUAGE_CODE."""
    return supported(getattr(user, "language", "")) or settings.LANGUAGE_CODE


def chosen_languages(addresses):
    """{address (lower-cased): language} of the accounts among `addresses` that chose
    one, in one query."""
    addresses = {address.lower() for address in addresses if address}
    rows = (
        get_user_model()
        .objects.filter(email__in=addresses)
        .exclude(language="")
        .values_list("email", "language")
    )
    return {email.lower(): supported(language) for email, language in rows if supported(language)}


def language_for_address(address, *, fallback=None, chosen=None):
    """The language to write to `address` in: its account's choice, else `fallback` (an
    invitation in the inviter's language), else settings.LANGUAGE_CODE. `chosen` is
    `chosen_languages(...)` read before for many addresses."""
    if chosen is None:
        chosen = chosen_languages([address])
    return chosen.get((address or "").lower()) or supported(fallback) or settings.LANGUAGE_CODE


@contextmanager
def speaking(language):
    """Render inside with `language` active (a supported variant of it, else the
    default), whatever the worker's or the sender's language is."""
    with translation.override(supported(language) or settings.LANGUAGE_CODE):
        yield


def visitor_choice(request):
    """The language the visitor asked for themselves: `?lang=`, else the switcher's
    cookie, else their account's choice; "" when they asked for none (then a page may
    follow someone else's language, as the verify page follows the holder's)."""
    asked = supported(request.GET.get(LANGUAGE_QUERY_PARAMETER, ""))
    if asked:
        return asked
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if cookie in dict(settings.LANGUAGES):
        return cookie
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return supported(getattr(user, "language", ""))
    return ""


def activate_for_page(request, language):
    """Speak `language` for the rest of this request (the response's Content-Language)."""
    translation.activate(language)
    request.LANGUAGE_CODE = translation.get_language()


class UserLanguageMiddleware:
    """A signed-in person's stored language wins over the cookie and Accept-Language
    (LocaleMiddleware, earlier in the chain, chose from those)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        chosen = ""
        if user is not None and user.is_authenticated:
            chosen = supported(getattr(user, "language", ""))
        if chosen and chosen != request.LANGUAGE_CODE:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        return self.get_response(request)
