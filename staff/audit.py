"""The audit log of staff and trainer changes: django-auditlog records each create, change
and delete of these models with its actor (AuditlogMiddleware sets the signed-in user;
services outside a request use auditlog.context.set_actor). Chosen over
django-simple-history because it keeps one LogEntry table with each change's diff: no
historical table and migration per model in the domain apps, and one query reads a
person's whole trail across their objects."""

from allauth.account.models import EmailAddress
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from certifications.models import (
    Course,
    CourseSession,
    Credential,
    Enrollment,
    Practitioner,
    Program,
    Trainer,
    User,
)
from cspo_tracker.privacy.models import Retirement
from renewals.models import Renewal

AUDITED = [
    (User, {"exclude_fields": ["password", "last_login"]}),
    (EmailAddress, {}),
    (Practitioner, {"exclude_fields": ["calendar_token"]}),
    (Trainer, {"m2m_fields": {"programs"}}),
    (Program, {}),
    (Course, {}),
    (CourseSession, {}),
    (Enrollment, {}),
    (Credential, {}),
    (Renewal, {}),
    # An account erasure: its request and completion, never the addresses and names it
    # is looking for (cspo_tracker/privacy/erasure.py).
    (Retirement, {"exclude_fields": ["emails", "names", "last_error"]}),
]


def register_models():
    for model, options in AUDITED:
        if not auditlog.contains(model):
            auditlog.register(model, **options)


def entries_for(objects_by_model):
    """The log entries of the given objects, newest first, in one query:
    `objects_by_model` maps a model to the primary keys wanted."""
    condition = Q()
    for model, pks in objects_by_model.items():
        pks = [str(pk) for pk in pks]
        if pks:
            content_type = ContentType.objects.get_for_model(model)
            condition |= Q(content_type=content_type, object_pk__in=pks)
    if not condition:
        return LogEntry.objects.none()
    return (
        LogEntry.objects.filter(condition)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )
