"""The site's URLs plus a bare view: the floor a page is compared with, served through
the same middleware (sessions, CSRF, CSP, MFA, request logging)."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("config.urls")),
]
