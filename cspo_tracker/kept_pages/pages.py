"""Rendered pages kept per process under a key made of what they show.

A kept page is stored once rendered and served again for the same key, with what is
different on every answer put back in: the CSP nonce, and the CSRF token of the visitor's
own session (a page is kept with placeholders where they were). Nothing is ever
invalidated: a key is built from everything the page shows, so a change makes a new key
and the old entry ages out of the cache (alias `pages`, in this process's memory). Pages
are kept compressed (zlib at its fastest level shrinks a page several times over for a
small fraction of its render), so the cache's entries stay small in every process.

Users: /verify/<number>/ for cold visitors (certifications/verification/cache.py), and a
practitioner's own dashboard and SEU log (certifications/own_pages.py, keyed with
cspo_tracker/kept_pages/row_versions.py).
"""

import hashlib
import re
import zlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.cache import patch_vary_headers

CACHE_ALIAS = "pages"
CACHE_SECONDS = 3600
# The placeholders are marked with a private-use character. A page already holding that
# character (anyone can type it into a name or an activity) is never kept, so every
# marker in a kept page is one that keep() put there.
MARKER = "\ue000".encode()
NONCE_PLACEHOLDER = MARKER + b"csp-nonce" + MARKER
CSRF_PLACEHOLDER = MARKER + b"csrf-token" + MARKER
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def key(kind, *parts):
    """A cache key for the page `kind` from the values it shows, in the active language."""
    parts = (*parts, translation.get_language(), settings.SITE_URL, settings.SITE_NAME)
    return f"{kind}:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def messages_waiting(request):
    """A message waits to be shown (cookie or session storage): the page differs once."""
    if CookieStorage.cookie_name in request.COOKIES:
        return True
    session = getattr(request, "session", None)
    return session is not None and bool(session.get(SessionStorage.session_key))


def cached(request, page_key):
    """The kept page for `page_key` with this answer's nonce and CSRF token, or None."""
    kept = caches[CACHE_ALIAS].get(page_key)
    if kept is None:
        return None
    body = zlib.decompress(kept).replace(NONCE_PLACEHOLDER, str(request.csp_nonce).encode())
    if CSRF_PLACEHOLDER in body:
        # get_token also has the middleware send the CSRF cookie when needed, as rendering
        # the token does.
        body = body.replace(CSRF_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(body)
    patch_vary_headers(response, ["Cookie"])  # as a rendered page (the session is read)
    return response


def keep(request, page_key, response):
    """Keep a rendered page (200) with placeholders for its nonce and CSRF token. A page
    whose own text holds the placeholders' marker is served as rendered and not kept:
    its marker would be taken for a placeholder and filled with the next visitor's
    token."""
    if response.status_code != 200 or response.streaming or MARKER in response.content:
        return
    body = response.content.replace(str(request.csp_nonce).encode(), NONCE_PLACEHOLDER)
    tokens = {match.group(1) for match in CSRF_INPUT.finditer(body)}
    for token in tokens:
        body = body.replace(token, CSRF_PLACEHOLDER)
    caches[CACHE_ALIAS].set(page_key, zlib.compress(body, 1), CACHE_SECONDS)


def serve(request, page_key, render):
    """The kept page for `page_key`, else `render()`'s response, kept for next time."""
    response = cached(request, page_key)
    if response is None:
        response = render()
        keep(request, page_key, response)
    return response


def fetch_prepared(name, sql, params):
    """One row of `sql` (with %s placeholders). On PostgreSQL the statement is prepared
    once per database connection: planning the joins of these short queries costs more
    than running them. Not for a pooler in transaction mode (a prepared statement belongs
    to a server session); plain SQL elsewhere."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return cursor.fetchone()
        raw = connection.connection
        prepared = getattr(connection, "_kept_prepared", None)
        if prepared is None or prepared[0] is not raw:
            prepared = connection._kept_prepared = (raw, set())
        if name not in prepared[1]:
            positions = tuple(f"${n}" for n in range(1, len(params) + 1))
            cursor.execute(f"PREPARE {name} AS {sql % positions}")
            prepared[1].add(name)
        arguments = ", ".join(["%s"] * len(params))
        cursor.execute(f"EXECUTE {name} ({arguments})", params)
        return cursor.fetchone()
