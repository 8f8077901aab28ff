"""SEU providers (conferences, user groups, e-learning) report their attendees' SEUs.
Each row goes through `create_seu_entry`, so the log's rules and messages are the same as
a practitioner's own entry; the entry is marked as reported by the organisation, with the
provider's reference.

Sending the same report again adds nothing: an organisation, attendee and reference make
one entry (a database constraint). An attendee without an account gets one, and an
invitation to set a password, once per organisation."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from certifications.services import get_or_create_invitee, set_password_url
from cspo_tracker.outbox import services as outbox

from .models import SeuEntry
from .services import create_seu_entry

CREATED, EXISTS, REJECTED = "created", "exists", "rejected"


@dataclass(frozen=True)
class ReportedRow:
    email: str
    reference: str
    earned_on: object
    category: object
    activity: str
    seus: object
    first_name: str = ""
    last_name: str = ""
    description: str = ""


@dataclass
class RowResult:
    row: ReportedRow
    status: str
    entry: SeuEntry | None = None
    invited: bool = False
    errors: dict = field(default_factory=dict)


def _existing(organisation, practitioner, reference):
    return SeuEntry.objects.filter(
        reported_by=organisation, practitioner=practitioner, provider_reference=reference
    ).first()


def _report_one(organisation, row):
    practitioner, needs_invitation = get_or_create_invitee(
        email=row.email, first_name=row.first_name, last_name=row.last_name
    )
    entry = _existing(organisation, practitioner, row.reference)
    if entry is not None:
        return RowResult(row=row, status=EXISTS, entry=entry)
    entry = create_seu_entry(
        practitioner=practitioner,
        earned_on=row.earned_on,
        category=row.category,
        activity=row.activity,
        seus=row.seus,
        provider=organisation.name,
        description=row.description,
        reported_by=organisation,
        provider_reference=row.reference,
    )
    if needs_invitation:
        enqueue_provider_invitation(organisation=organisation, user=practitioner.user)
    return RowResult(row=row, status=CREATED, entry=entry, invited=needs_invitation)


def report_seus(*, organisation, rows):
    """Log each row for its attendee (by email). Each row stands alone: one attendee's
    daily cap does not refuse the others. Returns a RowResult per row, in order:
    created, exists (reported before: nothing written) or rejected (with the errors,
    keyed like the SEU form's fields)."""
    results = []
    for row in rows:
        try:
            with transaction.atomic():
                results.append(_report_one(organisation, row))
        except ValidationError as error:
            errors = (
                error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            )
            results.append(RowResult(row=row, status=REJECTED, errors=errors))
        except IntegrityError:
            # The same row, sent at the same moment by a retry, was saved first.
            practitioner, _ = get_or_create_invitee(email=row.email)
            entry = _existing(organisation, practitioner, row.reference)
            results.append(RowResult(row=row, status=EXISTS, entry=entry))
    return results


def enqueue_provider_invitation(*, organisation, user):
    """The invitation to set a password for an account made by an SEU provider's report:
    once per organisation and person (outbox key)."""
    key = f"invitation:provider:{organisation.pk}:user:{user.pk}"
    return outbox.enqueue(
        "provider_invitation",
        {"user": user, "organisation": organisation, "set_password_url": set_password_url(user)},
        to=user.email,
        key=key,
    )
