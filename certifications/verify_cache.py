"""/verify/<number>/ for visitors without a session, served from a cache (issue 14).

Employers and recruiters open verification links cold: no session, no messages. For
them the page depends only on the credential's public facts, its holder's name and the
day in the holder's time zone, so the rendered page is kept under a key made of exactly
those values, read with one query. Nothing has to be invalidated: a revocation, a
new name, a renewal, a status the sweep stored, a renamed program or the next day each
make a different key (and the old entry ages out). Each answer still gets its own CSP
nonce: the page is kept with a placeholder where the nonce was.

Anyone with a session (the holder sees download buttons, staff a revoke button, anyone
may have messages waiting) gets the page rendered afresh.
"""

import functools
import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from .dates import today_in
from .models import Credential, Practitioner, Program, User

CACHE_ALIAS = "pages"
CACHE_SECONDS = 3600
NONCE_PLACEHOLDER = "\ue000csp-nonce\ue000".encode()  # private-use characters: never in a page

PREPARED = "cspo_verify_public_facts"


@functools.cache
def _public_facts_sql():
    """One query, built once: the values /verify/ shows, for exactly this number (the
    unique index answers it; any other spelling is redirected by the view)."""
    q = connection.ops.quote_name

    def column(model, name):
        return q(model._meta.get_field(name).column)

    def table(model):
        return q(model._meta.db_table)

    c = [
        column(Credential, name)
        for name in ("certificate_number", "status", "issued_on", "expires_on", "revoked_at")
    ]
    return (
        f"SELECT {', '.join('c.' + name for name in c)}, "
        f"p.{column(Program, 'name')}, p.{column(Program, 'code')}, "
        f"p.{column(Program, 'issuing_body')}, u.{column(User, 'first_name')}, "
        f"u.{column(User, 'last_name')}, h.{column(Practitioner, 'time_zone')} "
        f"FROM {table(Credential)} c "
        f"JOIN {table(Program)} p ON p.{q('id')} = c.{column(Credential, 'program')} "
        f"JOIN {table(Practitioner)} h ON h.{q('id')} = c.{column(Credential, 'holder')} "
        f"JOIN {table(User)} u ON u.{q('id')} = h.{column(Practitioner, 'user')} "
        f"WHERE c.{c[0]} = %s"
    )


def is_cold_visitor(request):
    """No session and no messages waiting: the page is the same for every such visitor."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies


def _public_facts(number):
    """The row of `number`'s public facts, or None. On PostgreSQL the query is prepared
    once per database connection: planning its joins took ten times as long as running
    it (0.4 of 0.45 ms). Not for a pooler in transaction mode (prepared statements
    belong to a server session); plain SQL elsewhere."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(_public_facts_sql(), [number])
            return cursor.fetchone()
        if getattr(connection, "_verify_prepared_on", None) is not connection.connection:
            cursor.execute(f"PREPARE {PREPARED} (text) AS {_public_facts_sql() % '$1'}")
            connection._verify_prepared_on = connection.connection
        cursor.execute(f"EXECUTE {PREPARED} (%s)", [number])
        return cursor.fetchone()


def page_key(number):
    """The cache key for the page of `number` as it stands now, or None when no
    credential has exactly this number (the view answers 404 or redirects)."""
    row = _public_facts(number)
    if row is None:
        return None
    today = today_in(row[-1])
    facts = repr((row, today, settings.SITE_URL, settings.SITE_NAME)).encode()
    return "verify:" + hashlib.sha256(facts).hexdigest()


def cached_page(request, key):
    """The kept page for `key` with this request's nonce, or None."""
    body = caches[CACHE_ALIAS].get(key)
    if body is None:
        return None
    response = HttpResponse(body.replace(NONCE_PLACEHOLDER, str(request.csp_nonce).encode()))
    patch_vary_headers(response, ["Cookie"])  # as a rendered page (the session is read)
    return response


def keep_page(request, key, response):
    """Keep a rendered page (200, nothing per visitor in it) for the next cold visitor."""
    body = response.content
    if response.status_code != 200 or b"csrfmiddlewaretoken" in body:
        return
    body = body.replace(str(request.csp_nonce).encode(), NONCE_PLACEHOLDER)
    caches[CACHE_ALIAS].set(key, body, CACHE_SECONDS)
