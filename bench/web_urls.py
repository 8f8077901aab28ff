"""The site's URLs plus a bare view: the floor a page is compared with, served through
the same middleware (sessions, CSRF, CSP, MFA, request logging)."""

from django.db import connection
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # a POST with a Bearer header is the floor of the API's writes, as DRF's are
def bare(request):
    return HttpResponse("ok", content_type="text/plain")


class CountStatements:
    """With the request header `X-Bench-Count`, answers how many SQL statements the
    request ran (middleware included) in `X-Bench-Statements`; otherwise does nothing,
    so the timed requests run as in production."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "HTTP_X_BENCH_COUNT" not in request.META:
            return self.get_response(request)
        counted = [0]

        def count(execute, sql, params, many, context):
            counted[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = self.get_response(request)
        response["X-Bench-Statements"] = str(counted[0])
        return response


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("config.urls")),
]
