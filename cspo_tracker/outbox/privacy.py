"""The outbox's personal data: every email keeps its address, subject and body. Sent and
failed emails are pruned RETENTION_OUTBOX_DAYS after they were written (waiting ones
never: they are work); a person's archive has the emails sent to them, and an erasure
deletes them, sent or waiting."""

from django.db.models import Q
from django.utils.translation import gettext_lazy

from ..privacy import erasure, export, retention
from .models import OutboundEmail


def _to_any(emails):
    condition = Q(pk__in=[])
    for email in emails:
        condition |= Q(to__iexact=email)
    return OutboundEmail.objects.filter(condition)


def finished_emails():
    return OutboundEmail.objects.exclude(status=OutboundEmail.Status.PENDING)


def export_entries(person):
    emails = _to_any(person.emails).order_by("created_at", "pk")
    yield export.Rows(
        "emails/emails.json",
        (
            {
                "to": email.to,
                "subject": email.subject,
                "body": email.body_text,
                "status": email.status,
                "written_at": email.created_at,
                "sent_at": email.sent_at,
            }
            for email in emails.iterator(chunk_size=500)
        ),
    )


def erase(person):
    _to_any(person.emails).delete()


def register():
    retention.register_rule(
        retention.Rule(
            kind="outbox_emails",
            setting="RETENTION_OUTBOX_DAYS",
            prunable=finished_emails,
            age_field="created_at",
        )
    )
    export.register_part(
        "emails",
        export_entries,
        order=70,
        describes=gettext_lazy("the emails we sent you (or still have to send), with their text"),
    )
    erasure.register_step("outbox", erase, order=70)
