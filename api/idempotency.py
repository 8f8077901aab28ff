"""`Idempotency-Key` on POSTs: the first successful answer is stored with the request's
fingerprint, in the same transaction as the writes it made. The same caller sending the
same key again gets that answer back (header `Idempotent-Replayed: true`) and nothing is
written twice; the same key with a different request is refused with 422. A request
that failed stored nothing, so it may be retried with its key.

Two copies sent at once: the second one's insert of the key waits on the unique index
until the first commits, then replays its answer. The key is claimed by an
`INSERT … ON CONFLICT DO NOTHING`, so a key already taken costs no savepoint (PostgreSQL
and SQLite both read that clause).

A secret shown once (a webhook's signing secret) is never stored: the replay answers
without it, so the stored answers hold nothing that signs or opens anything."""

import hashlib
import json
from functools import wraps

from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.response import Response

from .authentication import token_of
from .models import IdempotentRequest
from .problems import IDEMPOTENCY_TYPE, PROBLEM_CONTENT_TYPE, problem, validation_problem

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def owner_of(request):
    token = token_of(request)
    return token.owner_key if token is not None else f"user:{request.user.pk}"


def _plain(data, files):
    """The body as plain JSON-able data (any JSON value, or a multipart form's fields)."""
    if hasattr(data, "lists"):  # QueryDict from a multipart body
        return {key: values for key, values in data.lists() if key not in files}
    if isinstance(data, dict):
        return {key: value for key, value in data.items() if key not in files}
    return data


def fingerprint(request):
    files = {}
    for name, upload in request.FILES.items():
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        files[name] = digest.hexdigest()
    data = _plain(request.data, files)
    payload = {"method": request.method, "path": request.path, "data": data, "files": files}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _without(data, fields):
    if fields and isinstance(data, dict):
        return {key: value for key, value in data.items() if key not in fields}
    return data


def _replay(record):
    response = Response(record.response_body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    if record.status_code >= 400:
        response.content_type = PROBLEM_CONTENT_TYPE
    return response


def _claim(*, owner, key, digest, request):
    """The id of a new record of this key (its answer not stored yet), or None when the
    caller's key is taken: committed by an earlier request, or by one that was running
    and has committed while this insert waited on the unique index."""
    alias = router.db_for_write(IdempotentRequest)
    connection = connections[alias]
    meta = IdempotentRequest._meta
    quote = connection.ops.quote_name
    names = ("owner", "key", "request_hash", "method", "path", "status_code", "created_at")
    fields = [meta.get_field(name) for name in names]
    values = [owner, key, digest, request.method, request.path[:300], 0, timezone.now()]
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({quote(meta.get_field('owner').column)}, "
        f"{quote(meta.get_field('key').column)}) DO NOTHING "
        f"RETURNING {quote(meta.pk.column)}"
    )
    params = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(fields, values, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def idempotent(handler=None, *, shown_once=()):
    """Decorate a POST handler of an APIView. `shown_once` names top-level fields of the
    answer that are left out of the stored copy (and so out of every replay)."""
    if handler is None:
        return lambda handler: idempotent(handler, shown_once=shown_once)

    @wraps(handler)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return handler(self, request, *args, **kwargs)
        if not key.strip() or len(key) > MAX_KEY_LENGTH:
            return validation_problem(
                {
                    HEADER: [
                        _("Send 1 to %(max)s characters, e.g. a UUID.") % {"max": MAX_KEY_LENGTH}
                    ]
                }
            )
        owner, digest = owner_of(request), fingerprint(request)
        with transaction.atomic():
            claimed = _claim(owner=owner, key=key, digest=digest, request=request)
            if claimed is None:
                record = IdempotentRequest.objects.get(owner=owner, key=key)
                if record.request_hash != digest:
                    return problem(
                        422,
                        type_=IDEMPOTENCY_TYPE,
                        detail=_(
                            "This Idempotency-Key was used with a different request; "
                            "send a new key for a new request."
                        ),
                    )
                return _replay(record)
            response = handler(self, request, *args, **kwargs)
            if not 200 <= response.status_code < 300:
                transaction.set_rollback(True)
                return response
            IdempotentRequest.objects.filter(pk=claimed).update(
                status_code=response.status_code,
                response_body=_without(response.data, shown_once),
            )
            return response

    return wrapper
