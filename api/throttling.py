"""Rate limits: each token (or signed-in user) has its own budget, API_RATE_LIMIT;
anonymous callers (the verify endpoint) share one per client address, API_ANON_RATE_LIMIT
(the real client's behind a trusted proxy: X-Forwarded-For from anyone else is ignored).
Past it the API answers 429 with `Retry-After` (seconds). Counts live in Django's cache:
set CACHE_URL to Redis so several workers share them."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from cspo_tracker.client_address import client_ip

from .authentication import token_of


class ClientAddressMixin:
    def get_ident(self, request):
        # DRF's own reads X-Forwarded-For from anyone unless NUM_PROXIES is set.
        return client_ip(request)


class TokenRateThrottle(ClientAddressMixin, SimpleRateThrottle):
    scope = "token"

    def get_rate(self):
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view):
        token = token_of(request)
        if token is not None:
            ident = f"token:{token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonymousRateThrottle(ClientAddressMixin, SimpleRateThrottle):
    scope = "anon"

    def get_rate(self):
        return settings.API_ANON_RATE_LIMIT

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
