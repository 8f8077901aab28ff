"""The audit trail in an erasure (cspo_tracker/privacy): the first step, while the
person's rows still exist to say which log entries are theirs.

django-auditlog keeps each change with the object's name at the time and its old and
new values: a user's entries hold their email and names, an enrolment's or a renewal's
entry names its practitioner. The step keeps every entry (who changed what, and when,
stays in the trail) and removes the person from it: the entries of their account,
addresses and profile lose every value; the entries of their credentials, enrolments,
renewals and of the courses they were on lose each mention of their names and
addresses. The erasure itself is in
the trail as the Retirement row's own entries (staff/audit.py registers it).
"""

import re

from allauth.account.models import EmailAddress
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from certifications.models import Course, Credential, Enrollment, Practitioner, User
from cspo_tracker.privacy import erasure
from renewals.models import Renewal

ERASED = "[erased]"
BATCH = 500


def _entries(objects_by_model):
    condition = Q(pk__in=[])
    for model, pks in objects_by_model.items():
        if pks:
            condition |= Q(
                content_type=ContentType.objects.get_for_model(model),
                object_pk__in=[str(pk) for pk in pks],
            )
    return LogEntry.objects.filter(condition)


def _redact(value):
    """Every value of a change set replaced, its shape (fields, old and new) kept."""
    if isinstance(value, dict):
        return {key: _redact(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_redact(item) for item in value]
    return None if value is None else ERASED


def _scrubber(words):
    words = sorted({w for w in words if w and len(w) > 1}, key=len, reverse=True)
    if not words:
        return lambda value: value
    # Whole words only: a first name inside a course title ("Ada" in "Canada") stays.
    alternatives = "|".join(re.escape(w) for w in words)
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def scrub(value):
        if isinstance(value, str):
            return pattern.sub(ERASED, value)
        if isinstance(value, dict):
            return {key: scrub(item) for key, item in value.items()}
        if isinstance(value, list):
            return [scrub(item) for item in value]
        return value

    return scrub


def _earlier_values(entries):
    """The names and addresses an account had before: its entries' changes to them."""
    found = set()
    for changes in entries.values_list("changes", flat=True):
        if not isinstance(changes, dict):
            continue
        for field in ("email", "first_name", "last_name"):
            found.update(
                value.strip().lower()
                for value in changes.get(field, [])
                if isinstance(value, str) and value.strip() and value != "None"
            )
    return found


def _pks_made_for(model, field, owner_pk, current):
    """The objects of `model` made for `owner_pk` (their first entry records `field`),
    with the ones still there (`current`): also those deleted since."""
    made = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        action=LogEntry.Action.CREATE,
        **{f"changes__{field}__1": str(owner_pk)},
    ).values_list("object_pk", flat=True)
    return {*made, *(str(pk) for pk in current.values_list("pk", flat=True))}


def _objects_naming(holder):
    """{model: pks} of the objects whose entries may name the holder: their credentials,
    enrolments and renewals, and the courses they were on (a roster change names the
    attendee)."""
    enrollments = _pks_made_for(
        Enrollment, "practitioner", holder.pk, Enrollment.objects.filter(practitioner=holder)
    )
    enrollment_type = ContentType.objects.get_for_model(Enrollment)
    courses = {
        str(changes["course"][1])
        for changes in LogEntry.objects.filter(
            content_type=enrollment_type,
            action=LogEntry.Action.CREATE,
            object_pk__in=enrollments,
        ).values_list("changes", flat=True)
        if isinstance(changes, dict) and len(changes.get("course") or []) == 2
    }
    courses.update(
        str(pk)
        for pk in Enrollment.objects.filter(practitioner=holder).values_list("course_id", flat=True)
    )
    return {
        Credential: _pks_made_for(
            Credential, "holder", holder.pk, Credential.objects.filter(holder=holder)
        ),
        Enrollment: enrollments,
        Renewal: _pks_made_for(
            Renewal, "practitioner", holder.pk, Renewal.objects.filter(practitioner=holder)
        ),
        Course: courses,
    }


def scrub_audit_trail(person):
    holder = Practitioner.objects.filter(user_id=person.user_id).first()
    holder_ids = [holder.pk] if holder else []
    addresses_made = _pks_made_for(
        EmailAddress, "user", person.user_id, EmailAddress.objects.filter(user_id=person.user_id)
    )
    account = _entries(
        {User: [person.user_id], Practitioner: holder_ids, EmailAddress: addresses_made}
    )
    earlier = _earlier_values(account)
    addresses = set(person.emails) | {value for value in earlier if "@" in value}
    address_type = ContentType.objects.get_for_model(EmailAddress)
    address_condition = Q(pk__in=[])
    for address in addresses:
        address_condition |= Q(object_repr__iexact=address)
    account = account | LogEntry.objects.filter(Q(content_type=address_type) & address_condition)
    addresses |= {
        repr_.lower()
        for repr_ in account.filter(content_type=address_type).values_list("object_repr", flat=True)
    }
    for entry in _batches(account):
        entry.object_repr = f"{entry.content_type.name} #{entry.object_pk} ({ERASED})"
        entry.changes = _redact(entry.changes)
        entry.changes_text = ""
        entry.serialized_data = None
        entry.additional_data = None
    scrub = _scrubber([*person.names, *earlier, *addresses])
    mentions = _entries(_objects_naming(holder)) if holder else LogEntry.objects.none()
    for entry in _batches(mentions):
        entry.object_repr = scrub(entry.object_repr)
        entry.changes = scrub(entry.changes)
        entry.changes_text = scrub(entry.changes_text)
        entry.serialized_data = scrub(entry.serialized_data)
        entry.additional_data = scrub(entry.additional_data)


def _batches(entries):
    """Yield each entry, saving each batch of them once changed (bulk, no signals)."""
    fields = ["object_repr", "changes", "changes_text", "serialized_data", "additional_data"]
    batch = []
    for entry in entries.select_related("content_type").order_by("pk").iterator(chunk_size=BATCH):
        yield entry
        batch.append(entry)
        if len(batch) == BATCH:
            LogEntry.objects.bulk_update(batch, fields)
            batch = []
    if batch:
        LogEntry.objects.bulk_update(batch, fields)


def register():
    erasure.register_step("audit_trail", scrub_audit_trail, order=10)
