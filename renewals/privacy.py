"""Renewals, claims, SEU audits and reminders in the privacy registries
(cspo_tracker/privacy).

A person's archive has their renewals with the fees paid online, the cycles and reminders of their credentials,
their reminder choices, their claims and SEU audits with the files they sent. An
erasure runs two steps around the SEU log's: claims and audits first (an audited entry
cannot go while its audit item points at it), renewals after (an entry a renewal used
points at the renewal). The completed cycles stay with the credentials they renewed:
they are the registry's dates. The current cycle goes, so nothing reminds an erased
holder: the credential runs to its expiry, then lapses like any other.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy

from cspo_tracker.privacy import erasure, export

from .audits.models import SeuAudit, SeuAuditItem
from .claims.models import CredentialClaim
from .models import Payment, Reminder, Renewal, RenewalCycle
from .reminders.models import ReminderOptOut


def _file_name(field_file):
    return export.safe_name(field_file.name.rsplit("/", 1)[-1])


def _renewals(person):
    renewals = (
        Renewal.objects.filter(practitioner__user_id=person.user_id)
        .prefetch_related(
            Prefetch("cycles", queryset=RenewalCycle.objects.select_related("credential"))
        )
        .order_by("submitted_at", "pk")
    )
    for renewal in renewals.iterator(chunk_size=200):
        yield {
            "id": renewal.pk,
            "credentials": sorted(c.credential.certificate_number for c in renewal.cycles.all()),
            "status": renewal.status,
            "submitted_at": renewal.submitted_at,
            "completed_at": renewal.completed_at,
            "seus_required": renewal.seus_required,
            "fee": {
                "amount": renewal.fee_amount,
                "currency": renewal.fee_currency,
                "status": renewal.fee_status,
                "payment_reference": renewal.payment_reference,
                "paid_at": renewal.fee_paid_at,
                "reviewed_at": renewal.fee_reviewed_at,
            },
            "rejection_reason": renewal.rejection_reason,
            "held_reason": renewal.held_reason,
        }


def _cycles(person):
    cycles = (
        RenewalCycle.objects.filter(credential__holder__user_id=person.user_id)
        .select_related("credential")
        .order_by("credential__certificate_number", "ends_on")
    )
    for cycle in cycles.iterator(chunk_size=500):
        yield {
            "credential": cycle.credential.certificate_number,
            "window_starts_on": cycle.window_starts_on,
            "ends_on": cycle.ends_on,
            "seus_required": cycle.seus_required,
            "fee_amount": cycle.fee_amount,
            "fee_currency": cycle.fee_currency,
            "status": cycle.status,
            "renewal": cycle.renewal_id,
            "completed_at": cycle.completed_at,
        }


def _payments(person):
    """Receipts of the fee paid online: amount, dates and Stripe's receipt link."""
    payments = Payment.objects.filter(renewal__practitioner__user_id=person.user_id).order_by(
        "created_at", "pk"
    )
    for payment in payments.iterator(chunk_size=200):
        yield {
            "renewal": payment.renewal_id,
            "amount": payment.amount,
            "currency": payment.currency,
            "status": payment.status,
            "started_at": payment.created_at,
            "paid_at": payment.paid_at,
            "refunded_at": payment.refunded_at,
            "amount_refunded": payment.amount_refunded,
            "receipt_url": payment.receipt_url,
            "stripe_checkout_session": payment.session_id,
        }


def _reminders(person):
    reminders = (
        Reminder.objects.filter(cycle__credential__holder__user_id=person.user_id)
        .select_related("offset", "cycle__credential")
        .order_by("due_on", "pk")
    )
    for reminder in reminders.iterator(chunk_size=500):
        yield {
            "credential": reminder.cycle.credential.certificate_number,
            "kind": reminder.offset.code,
            "due_on": reminder.due_on,
            "status": reminder.status,
            "sent_at": reminder.sent_at,
        }


def _claims_of(person):
    return CredentialClaim.objects.filter(practitioner__user_id=person.user_id)


def _audit_items_of(person):
    return SeuAuditItem.objects.filter(audit__renewal__practitioner__user_id=person.user_id)


def _claim_path(claim):
    return f"renewals/claims/{claim.pk}-{_file_name(claim.evidence)}"


def _audit_path(item):
    return f"renewals/audits/{item.audit_id}-{item.pk}-{_file_name(item.evidence)}"


def _claims(person):
    claims = _claims_of(person).select_related("program", "credential").order_by("pk")
    for claim in claims.iterator(chunk_size=200):
        yield {
            "id": claim.pk,
            "program": claim.program.code,
            "certificate_number": claim.certificate_number,
            "issued_on": claim.issued_on,
            "evidence": _claim_path(claim) if claim.evidence else None,
            "status": claim.status,
            "submitted_at": claim.submitted_at,
            "decided_at": claim.decided_at,
            "rejection_reason": claim.rejection_reason,
        }


def _audits(person):
    audits = (
        SeuAudit.objects.filter(renewal__practitioner__user_id=person.user_id)
        .prefetch_related(Prefetch("items", queryset=SeuAuditItem.objects.order_by("pk")))
        .order_by("pk")
    )
    for audit in audits.iterator(chunk_size=100):
        yield {
            "id": audit.pk,
            "renewal": audit.renewal_id,
            "status": audit.status,
            "selected_at": audit.selected_at,
            "closed_at": audit.closed_at,
            "entries": [
                {
                    "seu_entry": item.entry_id,
                    "note": item.note,
                    "evidence": _audit_path(item) if item.evidence else None,
                    "evidence_sent_at": item.evidence_sent_at,
                    "status": item.status,
                    "reason": item.reason,
                    "decided_at": item.decided_at,
                }
                for item in audit.items.all()
            ],
        }


def export_entries(person):
    yield export.Rows("renewals/renewals.json", _renewals(person))
    yield export.Rows("renewals/payments.json", _payments(person))
    yield export.Rows("renewals/cycles.json", _cycles(person))
    yield export.Rows("renewals/reminders.json", _reminders(person))
    yield export.Document(
        "renewals/reminder_choices.json",
        {
            "turned_off": list(
                ReminderOptOut.objects.filter(practitioner__user_id=person.user_id)
                .order_by("offset__days_before_expiry")
                .values_list("offset__code", flat=True)
            )
        },
    )
    yield export.Rows("renewals/claims.json", _claims(person))
    for claim in _claims_of(person).exclude(evidence="").order_by("pk").iterator(chunk_size=200):
        yield export.StoredFile(_claim_path(claim), claim.evidence)
    yield export.Rows("renewals/audits.json", _audits(person))
    items = _audit_items_of(person).exclude(evidence="").order_by("pk")
    for item in items.iterator(chunk_size=200):
        yield export.StoredFile(_audit_path(item), item.evidence)


def erase_claims_and_audits(person):
    """Files first, then rows: a step that stops half-way finds the rest next time."""
    for item in _audit_items_of(person).exclude(evidence="").iterator(chunk_size=200):
        item.evidence.delete(save=False)
    SeuAudit.objects.filter(renewal__practitioner__user_id=person.user_id).delete()
    claims = _claims_of(person)
    for claim in claims.exclude(evidence="").iterator(chunk_size=200):
        claim.evidence.delete(save=False)
    claims.delete()


def erase_renewals(person):
    Renewal.objects.filter(practitioner__user_id=person.user_id).delete()
    RenewalCycle.objects.filter(credential__holder__user_id=person.user_id).exclude(
        status=RenewalCycle.Status.COMPLETED
    ).delete()
    # A failed send's error may quote the address.
    Reminder.objects.filter(cycle__credential__holder__user_id=person.user_id).exclude(
        last_error=""
    ).update(last_error="")
    ReminderOptOut.objects.filter(practitioner__user_id=person.user_id).delete()


def register():
    export.register_part(
        "renewals",
        export_entries,
        order=40,
        describes=gettext_lazy(
            "your renewals and their payments, the cycles and reminders of your credentials, "
            "your reminder choices, your claims and SEU audits with the files you sent"
        ),
    )
    erasure.register_step("claims_and_audits", erase_claims_and_audits, order=40)
    erasure.register_step("renewals", erase_renewals, order=60)
