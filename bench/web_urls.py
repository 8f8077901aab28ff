"""The site's URLs plus a bare view: the floor a page is compared with, served through
the same middleware (sessions, CSRF, CSP, MFA, request logging)."""

from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # a POST with a Bearer header is the floor of the API's writes, as DRF's are
def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("config.urls")),
]
