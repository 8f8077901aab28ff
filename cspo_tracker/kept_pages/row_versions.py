"""A fingerprint of every row a practitioner's own pages read.

Each app declares in its AppConfig.ready() which rows of its tables belong to one
practitioner's pages: `holder_rows(label, rows)`, where `rows(holder_id)` is a queryset.
The fingerprint hashes the version of each such row. On PostgreSQL a row version is its
`xmin` (the transaction that wrote it) with its `ctid` (where that version lies): every
INSERT, UPDATE and DELETE changes the set, whichever code wrote it (a form, a bulk
`update()`, the sweep's SQL, the admin, psql), and no two versions of a row share both.
So a page kept under the fingerprint (cspo_tracker/kept_pages/pages.py) needs no invalidation
and no signal: any write to a row it reads makes a new key.

tests/cspo_tracker/kept_pages/test_row_versions.py checks that every table the pages read is declared,
and that a write to the declared rows of each table changes the fingerprint.

Other databases (SQLite, the embedded default) have no row versions: `fingerprint`
answers None and the pages are rendered every time.
"""

import functools

from django.db import connection
from django.db.models.expressions import RawSQL

from . import pages as kept_pages

# A practitioner id no row has: it marks where the real one goes in the built SQL.
HOLDER = -1_234_567
PREPARED = "cspo_holder_row_versions"

_scopes = {}


def holder_rows(label, rows):
    """Declare the rows `rows(holder_id)` (a queryset of one model) as read by a
    practitioner's own pages."""
    _scopes[label] = rows
    _fingerprint_sql.cache_clear()


def scopes():
    """{label: rows(holder_id)}, as declared."""
    return dict(_scopes)


def declared_tables():
    """The tables whose rows are in the fingerprint."""
    return {rows(HOLDER).model._meta.db_table for rows in _scopes.values()}


def _versions(rows):
    """SQL and params for the sorted, joined versions of `rows` (the queryset's own
    table is its first alias, named as the table)."""
    table = connection.ops.quote_name(rows.model._meta.db_table)
    version = RawSQL(f"{table}.ctid::text || ':' || {table}.xmin::text", ())
    versions = rows.annotate(row_version=version).order_by().values_list("row_version")
    sql, params = versions.query.sql_with_params()
    return f"(SELECT string_agg(v.row_version, ',' ORDER BY v.row_version) FROM ({sql}) v)", params


@functools.cache
def _fingerprint_sql():
    parts, params = [], []
    for label in sorted(_scopes):
        sql, part_params = _versions(_scopes[label](HOLDER))
        parts.append(f"coalesce({sql}, '')")
        params.extend(part_params)
    return f"SELECT md5(concat_ws('|', {', '.join(parts)}))", tuple(params)


def fingerprint(holder_id):
    """A digest of the versions of every declared row of this practitioner, or None where
    the database has no row versions. One query, prepared once per connection."""
    if connection.vendor != "postgresql" or not _scopes:
        return None
    sql, params = _fingerprint_sql()
    params = [holder_id if value == HOLDER else value for value in params]
    return kept_pages.fetch_prepared(PREPARED, sql, params)[0]
