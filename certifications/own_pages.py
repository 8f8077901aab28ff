"""A practitioner's own pages (the dashboard, the SEU log) kept once rendered.

A practitioner comes back to these pages far more often than what they show changes.
The page is kept (cspo_tracker/kept_pages/pages.py) under a key of the address, who is asking
(user, roles, the role chosen in this session), today in their time zone, and the
fingerprint of every row the page reads (cspo_tracker/kept_pages/row_versions.py): a logged SEU, a
fee confirmed by staff, a status stored by the sweep, a renamed program or the next day
each make a new key. Rendered afresh: anything but GET, an answer with messages waiting,
a database without row versions (SQLite), or with OWN_PAGES_KEPT off.
"""

from django.conf import settings

from cspo_tracker.kept_pages import pages as kept_pages
from cspo_tracker.kept_pages import row_versions

from . import roles
from .dates import today_for


def kept_own_page(request, practitioner, render):
    """`render()`'s response for this practitioner's own page, or the same page kept."""
    if (
        not settings.OWN_PAGES_KEPT
        or request.method != "GET"
        or kept_pages.messages_waiting(request)
    ):
        return render()
    versions = row_versions.fingerprint(practitioner.pk)
    if versions is None:
        return render()
    page_key = kept_pages.key(
        "own",
        request.get_full_path(),
        request.user.pk,
        roles.request_roles(request),
        roles.active_role(request),
        today_for(practitioner),
        versions,
    )
    return kept_pages.serve(request, page_key, render)
