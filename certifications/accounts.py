"""Glue between django-allauth, django-axes and the outbox."""

import math

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.internal.ratelimit import parse_rates
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import ngettext

from cspo_tracker import i18n
from cspo_tracker.client_address import client_ip
from cspo_tracker.outbox import services as outbox
from cspo_tracker.outbox.emails import html_twin


class AccountAdapter(DefaultAccountAdapter):
    """allauth's account emails (address confirmation, password reset) go through the
    outbox like every other email: stored first, delivered once. Its rate limits count
    per real client address (TRUSTED_PROXIES), and failed logins per account and
    address together."""

    def __init__(self, request=None):
        super().__init__(request)
        self.error_messages = {
            **self.error_messages,
            "too_many_login_attempts": lockout_message(),
        }

    def get_client_ip(self, request):
        return client_ip(request)

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth counts failed logins per account alone ("5/300s/key"): five wrong
        # passwords from anywhere would refuse the account's owner too. With the address
        # in the key, only the guesser's own address is refused.
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{client_ip(request)}"

    def send_mail(self, template_prefix, email, context):
        # The context allauth's own send_mail gives its templates: without current_site
        # they read "Hello from !" (the site's name comes from SITE_URL, see
        # cspo_tracker/site.py).
        request = allauth_context.request
        context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
        # The recipient's language; an address with no choice yet (a new sign-up) gets
        # the language the page it was asked from was in.
        language = i18n.language_for_address(email, fallback=translation.get_language())
        with i18n.speaking(language):
            message = self.render_mail(template_prefix, email, context)
            html = next((body for body, kind in message.alternatives if kind == "text/html"), "")
            if message.content_subtype == "html":
                html = message.body
            # The same branded layout as every other email (templates/emails/_layout.html).
            html = html or html_twin(message.subject, message.body)
        outbox.store(
            template=template_prefix.rsplit("/", 1)[-1],
            to=email,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
        )


def login_username(request, credentials=None):
    """The address a login attempt was for, lower-cased, so axes counts failures and
    checks lock-outs on the same key. allauth authenticates with ``email=...`` while the
    login form posts ``login=...``; without this, failures were stored with no username
    and the (username, address) lock-out never matched."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("login") or credentials.get("username")
    if not value and request is not None:
        value = getattr(request, "POST", {}).get("login")
    return (value or "").strip().lower() or None


def lockout_minutes():
    """How long a refused login waits at most: axes' cool-off (AXES_COOLOFF_TIME, in
    hours) or the longest window of allauth's failed-login limit, whichever is longer."""
    windows = [
        rate.duration for rate in parse_rates(settings.ACCOUNT_RATE_LIMITS.get("login_failed"))
    ]
    seconds = max([settings.AXES_COOLOFF_TIME * 3600, *windows])
    return max(1, math.ceil(seconds / 60))


def lockout_message():
    """The one message for a refused login, from axes' lock-out and allauth's rate
    limit alike, with how long to wait."""
    minutes = lockout_minutes()
    hours, rest = divmod(minutes, 60)
    if hours and not rest:
        return ngettext(
            "Too many failed login attempts. Try again in %(count)s hour, "
            "or reset your password to get in now.",
            "Too many failed login attempts. Try again in %(count)s hours, "
            "or reset your password to get in now.",
            hours,
        ) % {"count": hours}
    return ngettext(
        "Too many failed login attempts. Try again in %(count)s minute, "
        "or reset your password to get in now.",
        "Too many failed login attempts. Try again in %(count)s minutes, "
        "or reset your password to get in now.",
        minutes,
    ) % {"count": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """axes' lock-out page (AXES_LOCKOUT_CALLABLE), with the same message as allauth's."""
    return render(request, "account/lockout.html", {"message": lockout_message()}, status=429)
