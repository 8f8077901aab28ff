"""The language switcher's view: every page posts to it (templates/includes/
language_switcher.html) and comes back to the page it was on."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from .services import set_language


@csrf_exempt
@require_POST
def choose_language(request):
    """A visitor without an account changes only their own cookie, so the switcher on
    pages kept for cold visitors (the verify page) carries no CSRF token and sets no CSRF
    cookie; a signed-in person's choice is stored on their account, so it is checked."""
    if request.user.is_authenticated:
        return csrf_protect(_choose)(request)
    return _choose(request)


def _choose(request):
    """Remember the chosen language (the cookie; the profile too when signed in) and go
    back to `next` when it is a page of this site, else home. An unknown language
    changes nothing."""
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        try:
            set_language(user=request.user, language=language)
        except ValidationError:
            return response
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
