"""Writes for the renewal fee paid online (docs/payments.md).

- The server starts a Stripe Checkout Session for a renewal's fee, with the renewal's
  amount and currency (snapshotted from the Program), never the browser's. Submitting
  and starting the session are one transaction: when Stripe cannot be reached nothing is
  submitted and the holder reads why.
- Stripe's signed webhook decides, not the redirect back: a paid session confirms the
  fee through renewals.services (the completion a staff confirmation runs), a failed
  asynchronous payment or an expired session leaves the fee owed, a refund re-opens it
  and tells the holder.
- Each event counts at most once (StripeEvent.event_id is unique). Paid and refunded
  are kept as facts (paid_at, refunded_at), so events in any order settle on one state.
- An unpaid session closes after STRIPE_CHECKOUT_HOURS; paying again starts a new one.
"""

import logging
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cspo_tracker.outbox import services as outbox

from .. import selectors as renewal_selectors
from .. import services as renewals
from ..models import Renewal
from . import gateway
from .models import Payment, StripeEvent

logger = logging.getLogger(__name__)

OUTAGE_MESSAGE = gettext_lazy(
    "Card payment is unavailable right now (Stripe did not answer). Nothing was "
    "submitted or charged: try again in a few minutes, or enter the reference of a "
    "payment by invoice or bank transfer instead."
)
RETRY_OUTAGE_MESSAGE = gettext_lazy(
    "Card payment is unavailable right now (Stripe did not answer). Nothing was charged: "
    "try again in a few minutes."
)


def payable(renewal):
    """A renewal whose fee can be paid online now: owed, and the renewal not rejected."""
    return (
        gateway.configured()
        and renewal.fee_status == Renewal.FeeStatus.UNPAID
        and renewal.status != Renewal.Status.REJECTED
    )


@transaction.atomic
def submit_and_pay(*, practitioner, credentials, now=None):
    """Submit a renewal to be paid online and start its Checkout Session, in one
    transaction: a Stripe outage leaves nothing submitted (ValidationError with
    OUTAGE_MESSAGE). Returns the Payment; its checkout_url is where the holder goes."""
    renewal = renewals.submit_renewal(
        practitioner=practitioner, credentials=credentials, payment_reference="", now=now
    )
    return start_checkout(renewal=renewal, now=now, outage_message=OUTAGE_MESSAGE)


@transaction.atomic
def start_checkout(*, renewal, now=None, outage_message=RETRY_OUTAGE_MESSAGE):
    """The session the holder pays the renewal's fee on: the open one while it lasts,
    else a new one (an expired or failed one stays in the history). Raises
    ValidationError when the fee is not owed or Stripe cannot be reached; nothing is
    written then."""
    now = now or timezone.now()
    renewal = (
        Renewal.objects.select_for_update().select_related("practitioner__user").get(pk=renewal.pk)
    )
    if not payable(renewal):
        raise ValidationError(_("This renewal's fee is not waiting for an online payment."))
    current = renewal.payments.filter(status=Payment.Status.OPEN).first()
    if current is not None and current.expires_at > now + timedelta(minutes=1):
        return current
    if current is not None:  # past its time: Stripe has closed it too
        current.status = Payment.Status.EXPIRED
        current.save(update_fields=["status"])
    if renewal.payments.filter(status=Payment.Status.PROCESSING).exists():
        raise ValidationError(
            _(
                "Your payment is being processed by your bank: you will get an email when it "
                "succeeds or fails."
            )
        )
    reference = f"renewal-{renewal.pk}-{uuid.uuid4().hex[:12]}"
    expires_at = now + timedelta(hours=settings.STRIPE_CHECKOUT_HOURS)
    back = settings.SITE_URL + reverse("renewals:payment_return", args=[renewal.pk])
    try:
        session = gateway.create_checkout_session(
            reference=reference,
            amount=renewal.fee_amount,
            currency=renewal.fee_currency,
            # Stripe shows it on the checkout page and the receipt the holder gets.
            description=_("CSPO Tracker renewal #%(number)s") % {"number": renewal.pk},
            email=renewal.practitioner.email,
            success_url=back + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=back + "?cancelled=1",
            expires_at=expires_at,
            # The library's retry of this call gets the same session. A later call is a
            # new key: Stripe refuses a key reused with other parameters (expires_at
            # moves), and a session made by a call whose answer was lost just expires.
            idempotency_key=f"checkout-{reference}",
        )
    except gateway.StripeError as error:
        logger.warning("Stripe Checkout Session not created for renewal %s: %s", renewal.pk, error)
        raise ValidationError(outage_message) from error
    if not _checkout_page(session.url):
        # A session the holder cannot be sent to is as good as none: nothing is kept,
        # and Stripe lets the session it made expire.
        logger.warning(
            "Stripe Checkout Session %s for renewal %s has no page to send the holder to: %r",
            session.id,
            renewal.pk,
            session.url,
        )
        raise ValidationError(outage_message)
    return Payment.objects.create(
        renewal=renewal,
        reference=reference,
        session_id=session.id,
        checkout_url=session.url,
        amount=renewal.fee_amount,
        currency=renewal.fee_currency,
        expires_at=gateway.timestamp(session.expires_at) or expires_at,
    )


def _checkout_page(url):
    """Whether `url` is a page to send the holder to: an absolute https address (or http
    from a local stand-in named in STRIPE_API_BASE), never a relative path or a word."""
    parts = urlsplit(url or "")
    schemes = {"https", "http"} if settings.STRIPE_API_BASE else {"https"}
    return parts.scheme in schemes and bool(parts.netloc)


# --- The webhook ----------------------------------------------------------------------


def handle_event(event, *, now=None):
    """Apply one verified Stripe event, at most once per event id. Returns the Payment
    it concerned, or None (a duplicate, a type we ignore, a session not ours). Raises
    TemporaryFailure when Stripe must deliver it again: nothing is recorded then."""
    now = now or timezone.now()
    handler = HANDLERS.get(event.type)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = StripeEvent.objects.create(event_id=event.id, type=event.type)
        except IntegrityError:
            logger.info("Stripe event %s seen before: ignored", event.id)
            return None
        if handler is None:
            return None
        payment = handler(event.data.object.to_dict(), now=now)
        if payment is not None:
            record.payment = payment
            record.save(update_fields=["payment"])
        return payment


def _payment_of_session(session):
    return (
        Payment.objects.select_for_update()
        .select_related("renewal")
        .filter(session_id=session["id"])
        .first()
    )


def _session_completed(session, *, now):
    """Checkout finished: paid now (cards), or later (bank debits: the async events)."""
    payment = _payment_of_session(session)
    if payment is None:
        return None
    _remember_intent(payment, session.get("payment_intent"))
    if session.get("payment_status") in ("paid", "no_payment_required"):
        return _paid(payment, now=now)
    if payment.status == Payment.Status.OPEN:
        payment.status = Payment.Status.PROCESSING
        payment.save(update_fields=["status"])
    return payment


def _async_succeeded(session, *, now):
    payment = _payment_of_session(session)
    if payment is None:
        return None
    _remember_intent(payment, session.get("payment_intent"))
    return _paid(payment, now=now)


def _async_failed(session, *, now):
    payment = _payment_of_session(session)
    if payment is None or payment.paid_at is not None:
        return payment
    payment.failed_at = payment.failed_at or now
    payment.status = settled_status(payment)
    payment.save(update_fields=["failed_at", "status"])
    _tell_holder("payment_failed", payment)
    return payment


def _session_expired(session, *, now):
    payment = _payment_of_session(session)
    if payment is not None and payment.status == Payment.Status.OPEN:
        payment.status = Payment.Status.EXPIRED
        payment.save(update_fields=["status"])
    return payment


def _charge_refunded(charge, *, now):
    """A refund (whole or part). Found by its PaymentIntent, or by the reference copied
    into the PaymentIntent's metadata when the refund comes before the completion."""
    payment = _payment_of_charge(charge)
    if payment is None:
        return None
    _remember_intent(payment, charge.get("payment_intent"))
    payment.amount_refunded = gateway.from_minor_units(charge.get("amount_refunded"))
    payment.receipt_url = charge.get("receipt_url") or payment.receipt_url
    fully = charge.get("refunded") or payment.amount_refunded >= payment.amount
    if fully and payment.refunded_at is None:
        payment.refunded_at = now
    payment.status = settled_status(payment)
    payment.save(update_fields=["amount_refunded", "receipt_url", "refunded_at", "status"])
    if fully:
        _settle_renewal(payment, now=now)
        # Told of the refund whatever order the events came in (one email: outbox key).
        _tell_holder("fee_refunded", payment)
    return payment


def _payment_of_charge(charge):
    intent_id = charge.get("payment_intent") or ""
    payments = Payment.objects.select_for_update().select_related("renewal")
    if intent_id:
        payment = payments.filter(payment_intent_id=intent_id).first()
        if payment is not None:
            return payment
    metadata = charge.get("metadata") or {}
    reference = metadata.get("cspo_payment")
    if not reference and intent_id:
        try:
            reference = (gateway.payment_intent(intent_id).get("metadata") or {}).get(
                "cspo_payment"
            )
        except gateway.StripeError as error:
            # Raised, so the webhook answers 5xx and Stripe delivers the event again.
            raise TemporaryFailure(f"PaymentIntent {intent_id} not read: {error}") from error
    if not reference:
        return None
    return payments.filter(reference=reference).first()


class TemporaryFailure(Exception):
    """Stripe could not be asked something the event needs: deliver it again later."""


def _remember_intent(payment, intent_id):
    if intent_id and payment.payment_intent_id != intent_id:
        payment.payment_intent_id = intent_id
        payment.save(update_fields=["payment_intent_id"])


def settled_status(payment):
    """The one status the facts give, whatever order they arrived in: refunded beats
    paid, paid beats failed; an unpaid session keeps its own status."""
    if payment.refunded_at is not None:
        return Payment.Status.REFUNDED
    if payment.paid_at is not None:
        return Payment.Status.PAID
    if payment.failed_at is not None:
        return Payment.Status.FAILED
    return payment.status


def _paid(payment, *, now):
    if payment.paid_at is None:
        payment.paid_at = now
        payment.receipt_url = payment.receipt_url or _receipt_url(payment)
    payment.status = settled_status(payment)
    payment.save(update_fields=["paid_at", "receipt_url", "status"])
    _settle_renewal(payment, now=now)
    return payment


def _receipt_url(payment):
    """Stripe's receipt link, from the charge. Without it the payment still counts: the
    link is filled in by the charge's next event."""
    if not payment.payment_intent_id:
        return ""
    try:
        intent = gateway.payment_intent(payment.payment_intent_id)
    except gateway.StripeError as error:
        logger.warning("No receipt link for %s: %s", payment.session_id, error)
        return ""
    charge = intent.get("latest_charge")
    return (charge.get("receipt_url") if isinstance(charge, dict) else "") or ""


def _settle_renewal(payment, *, now):
    """Bring the renewal's fee in line with its payments: confirmed while one is paid
    and not refunded, owed again when the last such one is refunded."""
    renewal = payment.renewal
    paid = renewal.payments.filter(paid_at__isnull=False, refunded_at__isnull=True)
    if paid.exists():
        renewals.fee_paid_online(
            renewal=renewal,
            reference=f"Stripe {payment.payment_intent_id or payment.session_id}",
            paid_at=payment.paid_at,
            now=now,
        )
    elif payment.refunded_at is not None:
        renewals.reopen_fee(renewal=renewal, now=now)


def _tell_holder(template, payment):
    """One email per payment and kind (the outbox key), however often Stripe repeats."""
    renewal = Renewal.objects.select_related("practitioner__user").get(pk=payment.renewal_id)
    return outbox.enqueue(
        template,
        {
            "renewal": renewal,
            "practitioner": renewal.practitioner,
            "payment": payment,
            "fee": renewal_selectors.format_fee(payment.amount, payment.currency),
            "renewals_url": settings.SITE_URL + reverse("renewals:mine"),
        },
        to=renewal.practitioner.email,
        key=f"{template}:{payment.pk}",
    )


HANDLERS = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": _async_succeeded,
    "checkout.session.async_payment_failed": _async_failed,
    "checkout.session.expired": _session_expired,
    "charge.refunded": _charge_refunded,
}
