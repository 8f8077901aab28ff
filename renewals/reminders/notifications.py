"""Notification settings and email history.

A practitioner chooses which optional reminders to get, per kind (90/60/30/7 days before
expiry, 30 days after). The expiry-day notice is mandatory (ReminderOffset.is_optional is
False for it; a database constraint keeps it so). A reminder turned off is still claimed
once by the sweep and recorded as skipped, so turning it back on never re-sends an old
one (exactly-once holds)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cspo_tracker.outbox.models import OutboundEmail

from ..models import ReminderOffset
from .models import ReminderOptOut


def reminder_kinds(practitioner):
    """[(offset, wanted)] for every active reminder kind, the mandatory ones included."""
    off = set(
        ReminderOptOut.objects.filter(practitioner=practitioner).values_list("offset_id", flat=True)
    )
    return [
        (offset, offset.pk not in off or not offset.is_optional)
        for offset in ReminderOffset.objects.filter(is_active=True)
    ]


def opted_out_pairs(practitioner_ids):
    """The (practitioner id, offset id) kinds these practitioners turned off: one query."""
    return set(
        ReminderOptOut.objects.filter(practitioner_id__in=list(practitioner_ids)).values_list(
            "practitioner_id", "offset_id"
        )
    )


@transaction.atomic
def set_reminder_kinds(*, practitioner, wanted_offset_ids):
    """Keep exactly the optional kinds in `wanted_offset_ids` on; the rest off."""
    wanted = {int(pk) for pk in wanted_offset_ids}
    optional = set(
        ReminderOffset.objects.filter(is_active=True, is_optional=True).values_list("pk", flat=True)
    )
    unknown = wanted - set(ReminderOffset.objects.values_list("pk", flat=True))
    if unknown:
        raise ValidationError(_("Unknown reminder kind."))
    off = optional - wanted
    ReminderOptOut.objects.filter(practitioner=practitioner).exclude(offset_id__in=off).delete()
    existing = set(
        ReminderOptOut.objects.filter(practitioner=practitioner).values_list("offset_id", flat=True)
    )
    ReminderOptOut.objects.bulk_create(
        ReminderOptOut(practitioner=practitioner, offset_id=pk) for pk in off - existing
    )
    return off


def email_history(practitioner):
    """Every email the app stored for the practitioner's address, newest first."""
    return OutboundEmail.objects.filter(to__iexact=practitioner.email).order_by(
        "-created_at", "-pk"
    )
