"""`Idempotency-Key` on POSTs: the first successful answer is stored with the request's
fingerprint, in the same transaction as the writes it made. The same caller sending the
same key again gets that answer back (header `Idempotent-Replayed: true`) and nothing is
written twice; the same key with a different request is refused with 422. A request
that failed stored nothing, so it may be retried with its key.

Two copies sent at once: the second one's insert of the key waits on the unique index
until the first commits, then replays its answer.

A secret shown once (a webhook's signing secret) is never stored: the replay answers
without it, so the stored answers hold nothing that signs or opens anything."""

import hashlib
import json
from functools import wraps

from django.db import IntegrityError, transaction
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
            try:
                with transaction.atomic():
                    record = IdempotentRequest.objects.create(
                        owner=owner,
                        key=key,
                        request_hash=digest,
                        method=request.method,
                        path=request.path[:300],
                        status_code=0,
                    )
            except IntegrityError:
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
            record.status_code = response.status_code
            record.response_body = _without(response.data, shown_once)
            record.save(update_fields=["status_code", "response_body"])
            return response

    return wrapper
