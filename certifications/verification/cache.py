"""/verify/<number>/ for visitors without a session, served from a cache.

Employers and recruiters open verification links cold: no session, no messages. For
them the page depends only on the credential's public facts, its holder's name (or that
they erased their account) and the day in the holder's time zone, so the rendered page is kept under a key made of exactly
those values, read with one query. Nothing has to be invalidated: a revocation, a
new name, a renewal, a status the sweep stored, a renamed program or the next day each
make a different key (and the old entry ages out). Each answer still gets its own CSP
nonce: the page is kept with a placeholder where the nonce was.

Anyone with a session (the holder sees download buttons, staff a revoke button, anyone
may have messages waiting) gets the page rendered afresh.
"""

import functools

from django.conf import settings
from django.db import connection
from django.utils import translation

from cspo_tracker import i18n
from cspo_tracker.kept_pages import pages as kept_pages

from ..dates import today_in
from ..models import Credential, Practitioner, Program, User

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
        f"u.{column(User, 'last_name')}, u.{column(User, 'language')}, "
        f"h.{column(Practitioner, 'erased_at')}, "
        f"h.{column(Practitioner, 'time_zone')} "
        f"FROM {table(Credential)} c "
        f"JOIN {table(Program)} p ON p.{q('id')} = c.{column(Credential, 'program')} "
        f"JOIN {table(Practitioner)} h ON h.{q('id')} = c.{column(Credential, 'holder')} "
        f"JOIN {table(User)} u ON u.{q('id')} = h.{column(Practitioner, 'user')} "
        f"WHERE c.{c[0]} = %s"
    )


def is_cold_visitor(request):
    """No session and no messages waiting: the page is the same for every such visitor."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and not (
        kept_pages.messages_waiting(request)
    )


def page_key(number, *, language=""):
    """The cache key for the page of `number` as it stands now, or None when no
    credential has exactly this number (the view answers 404 or redirects). The page
    speaks `language` when the visitor asked for one, else the holder's (activated here,
    before the key is made from it). The query is prepared once per database connection:
    planning its joins takes about ten times as long as running it."""
    row = kept_pages.fetch_prepared(PREPARED, _public_facts_sql(), [number])
    if row is None:
        return None
    holder_language = row[-3]
    if language or holder_language:
        translation.activate(i18n.supported(language or holder_language) or settings.LANGUAGE_CODE)
    return kept_pages.key("verify", row, today_in(row[-1]))
