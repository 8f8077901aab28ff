"""Writing many rows at once (the spreadsheet imports): `insert_rows`; changing many
audited rows at once (renewing credentials together): `update_audited`.

On PostgreSQL the rows go in with COPY, the fastest way into a table, after drawing
their ids from the table's sequence in one query; elsewhere (SQLite) with Django's
bulk_create. Either way each call is a few queries however many rows, and the database
still checks every constraint. Fields left out take their model default (auto_now_add:
the time of the call; a callable default: called for each row)."""

import io
import re
import time
from datetime import date, datetime
from itertools import batched

from auditlog import get_logentry_model
from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled
from auditlog.diff import model_instance_diff
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models.signals import pre_save
from django.utils import timezone
from django.utils.encoding import smart_str

BATCH_SIZE = 5000


def insert_rows(model, fields, rows, *, returning_ids=False, batch_size=BATCH_SIZE):
    """Insert `rows` (tuples of values for the attnames in `fields`, in that order) into
    `model`'s table. Returns the new ids in row order when `returning_ids`."""
    fields = list(fields)
    extra = _defaults(model, fields)
    ids = []
    for batch in batched(rows, batch_size):
        if connection.vendor == "postgresql":
            ids += _copy(model, fields, extra, batch, returning_ids)
        else:
            objs = model.objects.bulk_create(
                [
                    model(**dict(zip(fields, row, strict=True)), **{n: make() for n, make in extra})
                    for row in batch
                ]
            )
            ids += [obj.pk for obj in objs] if returning_ids else []
    return ids if returning_ids else None


def _defaults(model, given):
    now = timezone.now()
    extra = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in given:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            extra.append((field.attname, _constant(now)))
        elif field.has_default() and callable(field.default):
            extra.append((field.attname, field.default))
        else:
            extra.append((field.attname, _constant(field.get_default())))
    return extra


_SPECIAL = re.compile(r"[\\\t\n\r]")
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class _constant:
    """A default that is the same for every row: converted to COPY text once."""

    def __init__(self, value):
        self.value = value
        self.text = _text(value)

    def __call__(self):
        return self.value


def _text(value):
    """One value in COPY's text format."""
    kind = type(value)
    if kind is str:
        return value.translate(_ESCAPES) if _SPECIAL.search(value) else value
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is date or kind is datetime:
        return value.isoformat()
    return str(value)


def _copy(model, fields, extra, batch, returning_ids):
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        ids = []
        if returning_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, len(batch)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        columns = [model._meta.get_field(name).column for name in fields]
        columns += [model._meta.get_field(name).column for name, _make in extra]
        if returning_ids:
            columns.insert(0, pk)
        buffer = io.StringIO()
        for i, row in enumerate(batch):
            values = [str(ids[i])] if returning_ids else []
            values += map(_text, row)
            values += [
                make.text if type(make) is _constant else _text(make()) for _n, make in extra
            ]
            buffer.write("\t".join(values))
            buffer.write("\n")
        buffer.seek(0)
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        sql = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
        started = time.monotonic()
        cursor.cursor.copy_expert(sql, buffer)
        if connection.queries_logged:  # counted like any query (assertNumQueries, debug)
            connection.queries_log.append(
                {"sql": f"{sql} -- {len(batch)} rows", "time": f"{time.monotonic() - started:.3f}"}
            )
    return ids


ANALYZE_AFTER_ROWS = 10_000


def refresh_statistics(*models, rows):
    """After a bulk write of many rows, refresh PostgreSQL's planner statistics of these
    tables (autovacuum would, a minute or so later): until then the planner still sees
    the small tables of before and picks full scans for the next lookups (a re-import,
    the pages)."""
    if connection.vendor != "postgresql" or rows < ANALYZE_AFTER_ROWS:
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def update_audited(objs, fields):
    """`bulk_update(objs, fields)` that keeps the audit trail (staff/audit.py): one
    django-auditlog entry per object whose `fields` changed, made as
    `save(update_fields=fields)` makes it (old values read from the database, the actor and
    request data from auditlog's context), written in one insert. Three queries however
    many objects; auditlog's own pre_log/post_log signals are not sent."""
    objs = list(objs)
    if not objs:
        return
    model = type(objs[0])
    manager = model._default_manager
    if not auditlog.contains(model) or auditlog_disabled.get():
        manager.bulk_update(objs, fields)
        return
    old = manager.in_bulk([obj.pk for obj in objs])
    manager.bulk_update(objs, fields)
    entries = []
    for obj in objs:
        changes = model_instance_diff(
            old.get(obj.pk),
            obj,
            fields_to_check=fields,
            use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES,
        )
        if changes:
            entries.append(_update_entry(obj, changes))
    get_logentry_model().objects.bulk_create(entries)


def create_audited(objs):
    """`bulk_create(objs)` that keeps the audit trail (staff/audit.py) like `save()`: one
    django-auditlog "create" entry per object, written in one insert. Rows made together
    (a closing course's credentials) are then audited as those made one by one (a claim's)."""
    objs = list(objs)
    if not objs:
        return []
    model = type(objs[0])
    created = model._default_manager.bulk_create(objs)
    if not auditlog.contains(model) or auditlog_disabled.get():
        return created
    # Its own columns only: a reverse one-to-one (a credential's claim) is a query each.
    fields = [f.name for f in model._meta.concrete_fields]
    entries = []
    for obj in created:
        changes = model_instance_diff(
            None,
            obj,
            fields_to_check=fields,
            use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES,
        )
        entries.append(_update_entry(obj, changes, action="CREATE"))
    get_logentry_model().objects.bulk_create(entries)
    return created


def _update_entry(obj, changes, action="UPDATE"):
    """The LogEntry `LogEntry.objects.log_create` would save for an update (or a create)
    of `obj`."""
    LogEntry = get_logentry_model()
    pk = obj.pk
    entry = LogEntry(
        content_type=ContentType.objects.get_for_model(obj),
        object_pk=pk,
        object_id=pk if isinstance(pk, int) else None,
        object_repr=smart_str(obj),
        serialized_data=LogEntry.objects._get_serialized_data_or_none(obj),
        action=getattr(LogEntry.Action, action),
        changes=changes,
        cid=get_cid(),
    )
    additional_data = getattr(obj, "get_additional_data", None)
    if callable(additional_data):
        entry.additional_data = additional_data()
    # What auditlog.context's receivers fill in when an entry is saved: actor, address.
    pre_save.send(sender=LogEntry, instance=entry, raw=False, using=None, update_fields=None)
    return entry
