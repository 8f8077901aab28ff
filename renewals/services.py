"""Writes for renewals: cycles, submitting, reviewing and completing renewals.

Rules (docs/domain.md, "Renewing" and "Expiry"):
- a renewal extends from the old expiry date (old expiry + the program's validity), also
  when it completes late in grace; a lapsed credential needs staff approval;
- it completes when its SEUs are counted and its fee is confirmed; the SEU entries it
  counted are consumed and never count again.

The daily sweep is in renewals.sweep.services, sending one reminder in renewals.reminders.services.
"""

from datetime import date
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from certifications.dates import add_months, today_for
from certifications.models import Credential, Practitioner
from cspo_tracker import bulk
from cspo_tracker.formats import day
from cspo_tracker.outbox import services as outbox
from seus.models import SeuEntry

from . import plans, selectors
from .models import Renewal, RenewalCycle
from .selectors import has_open_audit
from .signals import credentials_renewed, renewal_submitted
from .states import fee_refusal


def open_cycle(*, credential):
    """`open_cycles` for one credential (a credential just issued)."""
    [cycle] = open_cycles(credentials=[credential])
    return cycle


@transaction.atomic
def open_cycles(*, credentials):
    """Open the renewal cycle that ends at each credential's current expiry, snapshotting
    the program's requirement and fee (`_cycle_terms`). Opening one again returns the
    same cycle. Two queries however many credentials (their programs loaded); returns
    the cycles in the credentials' order."""
    credentials = list(credentials)
    existing = {
        (cycle.credential_id, cycle.ends_on): cycle
        for cycle in RenewalCycle.objects.filter(
            credential__in=[c.pk for c in credentials],
            ends_on__in={c.expires_on for c in credentials},
        )
    }
    new = {
        (c.pk, c.expires_on): RenewalCycle(credential=c, ends_on=c.expires_on, **_cycle_terms(c))
        for c in credentials
        if (c.pk, c.expires_on) not in existing
    }
    RenewalCycle.objects.bulk_create(new.values())
    cycles = existing | new
    return [cycles[(c.pk, c.expires_on)] for c in credentials]


CYCLE_TERMS = ("window_starts_on", "seus_required", "seus_addon", "fee_amount", "fee_currency")


def _cycle_terms(credential):
    """The window and the program's requirement and fee a cycle snapshots when it opens."""
    program = credential.program
    return {
        "window_starts_on": add_months(credential.expires_on, -program.lookback_months),
        "seus_required": program.seus_required,
        "seus_addon": program.seus_addon,
        "fee_amount": program.renewal_fee,
        "fee_currency": program.fee_currency,
    }


def open_first_cycles(*, credentials):
    """`open_cycle` for a batch of newly issued credentials (certifications.issuing.services.Issued,
    from an import), in one insert: the same terms (`_cycle_terms`)."""
    rows = []
    for credential in credentials:
        terms = _cycle_terms(credential)
        rows.append((credential.pk, credential.expires_on, *(terms[k] for k in CYCLE_TERMS)))
    bulk.insert_rows(RenewalCycle, ("credential_id", "ends_on", *CYCLE_TERMS), rows)


# --- Submitting, reviewing and completing renewals ---------------------------------------


@transaction.atomic
def submit_renewal(*, practitioner, credentials, payment_reference, now=None):
    """Submit a renewal of `credentials` (one or several of the practitioner's) with the
    fee's payment reference (staff confirm it), or with none when the fee is paid online
    next (renewals.payments.services.submit_and_pay): the fee is then unpaid until
    Stripe's webhook says otherwise. Lower credentials in a selected one's track come along.
    Raises ValidationError when the SEUs do not cover the requirement or a credential
    cannot be renewed now."""
    now = now or timezone.now()
    today = selectors.today_for(practitioner, now)
    selected = list(credentials)
    if not selected:
        raise ValidationError({"credentials": _("Choose at least one credential to renew.")})
    if any(c.holder_id != practitioner.pk for c in selected):
        raise ValidationError({"credentials": _("You can only renew your own credentials.")})
    _lock_practitioner(practitioner.pk)
    in_progress = selectors.renewal_in_progress(practitioner)
    if in_progress is not None:
        raise ValidationError(
            {
                "credentials": _(
                    "Your renewal #%(number)s submitted on %(day)s is still in progress. "
                    "Choose every credential you want to renew in one renewal; you can "
                    "submit another once staff complete or reject this one."
                )
                % {"number": in_progress.pk, "day": day(in_progress.submitted_at)}
            }
        )
    included = selected + list(selectors.lower_credentials_in_track(selected))
    cycles = list(
        RenewalCycle.objects.select_for_update(of=("self",))
        .filter(credential__in=included, status=RenewalCycle.Status.OPEN)
        .select_related("credential__program")
    )
    if len(cycles) != len(included):
        raise ValidationError(
            {"credentials": _("A renewal for one of these credentials is already in progress.")}
        )
    not_open = [c for c in included if today < c.renewal_opens_on]
    if not_open:
        names = ", ".join(c.program.code for c in not_open)
        days = not_open[0].program.renewal_opens_after_days
        raise ValidationError(
            {
                "credentials": ngettext(
                    "Renewal opens %(days)s day after issue (%(codes)s).",
                    "Renewal opens %(days)s days after issue (%(codes)s).",
                    days,
                )
                % {"days": days, "codes": names}
            }
        )
    quote = selectors.renewal_quote(practitioner=practitioner, credentials=included, cycles=cycles)
    requirement = quote.requirement
    if quote.seus_missing > 0:
        raise ValidationError(
            {
                "credentials": _(
                    "This renewal needs %(required)s; %(counted)s count in the look-back "
                    "window. Log %(missing)s more first."
                )
                % {
                    "required": selectors.format_seus(requirement.seus),
                    "counted": selectors.format_seus(quote.seus_counted),
                    "missing": selectors.format_seus(quote.seus_missing),
                }
            }
        )
    lapsed = [c for c in included if c.is_lapsed_on(today)]
    reference = payment_reference.strip()
    renewal = Renewal.objects.create(
        practitioner=practitioner,
        status=Renewal.Status.NEEDS_APPROVAL if lapsed else Renewal.Status.SUBMITTED,
        seus_required=requirement.seus,
        fee_amount=requirement.fee_amount,
        fee_currency=requirement.fee_currency,
        fee_status=Renewal.FeeStatus.PENDING if reference else Renewal.FeeStatus.UNPAID,
        payment_reference=reference,
        fee_paid_at=now if reference else None,
    )
    RenewalCycle.objects.filter(pk__in=[c.pk for c in cycles]).update(
        status=RenewalCycle.Status.SUBMITTED, renewal=renewal, submitted_at=now
    )
    renewal_submitted.send(sender=Renewal, renewal=renewal)
    enqueue_renewal_received(renewal)
    return renewal


def locked(renewal):
    return Renewal.objects.select_for_update().get(pk=renewal.pk)


@transaction.atomic
def confirm_fee(*, renewal, by, now=None, invoice_reference=""):
    """Staff confirm the fee was received; the renewal completes if nothing else waits.
    A fee left for online payment (unpaid) is confirmed as paid by invoice or bank
    transfer with its reference: an organisation paying for its staff, say."""
    now = now or timezone.now()
    renewal = locked(renewal)
    invoice_reference = (invoice_reference or "").strip()
    refusal = fee_refusal(renewal, under_audit=has_open_audit(renewal))
    if refusal:
        raise ValidationError(refusal)
    if renewal.fee_status == Renewal.FeeStatus.UNPAID:
        if not invoice_reference:
            raise ValidationError(_("Enter the reference of the invoice or bank transfer."))
        renewal.payment_reference, renewal.fee_paid_at = invoice_reference[:100], now
        renewal.save(update_fields=["payment_reference", "fee_paid_at"])
    return _fee_confirmed(renewal, by=by, now=now)


def _fee_confirmed(renewal, *, by, now):
    """The fee is received: by staff's word or by Stripe's. The renewal completes if
    nothing else holds it (an approval, an open SEU audit, SEUs no longer counted)."""
    renewal.fee_status = Renewal.FeeStatus.CONFIRMED
    renewal.fee_reviewed_by, renewal.fee_reviewed_at = by, now
    renewal.save(update_fields=["fee_status", "fee_reviewed_by", "fee_reviewed_at"])
    return complete_if_ready(renewal, now=now)


@transaction.atomic
def fee_paid_online(*, renewal, reference, paid_at, now=None):
    """Stripe says the fee is paid (renewals.payments.services): the same confirmation
    and completion as staff's `confirm_fee`, without a reviewer. The money is received,
    so an open SEU audit does not refuse it; it holds the completion (complete_if_ready)
    until the audit closes. A fee confirmed already, or a renewal rejected meanwhile,
    is left as it is (returns the renewal unchanged)."""
    now = now or timezone.now()
    renewal = locked(renewal)
    if renewal.fee_status == Renewal.FeeStatus.CONFIRMED or renewal.status == (
        Renewal.Status.REJECTED
    ):
        return renewal
    renewal.payment_reference, renewal.fee_paid_at = reference, paid_at
    renewal.save(update_fields=["payment_reference", "fee_paid_at"])
    return _fee_confirmed(renewal, by=None, now=now)


@transaction.atomic
def reopen_fee(*, renewal, now=None):
    """The fee was refunded: it is owed again, and the holder can pay it from their
    renewals page. A completed renewal stays completed (its credentials keep their new
    expiry); staff see the refund on the renewal and in the reports. Returns the
    renewal, or None when the fee was not confirmed (nothing to re-open)."""
    renewal = locked(renewal)
    if renewal.fee_status != Renewal.FeeStatus.CONFIRMED:
        return None
    renewal.fee_status = Renewal.FeeStatus.UNPAID
    renewal.fee_paid_at = None
    renewal.fee_reviewed_by, renewal.fee_reviewed_at = None, None
    renewal.save(update_fields=["fee_status", "fee_paid_at", "fee_reviewed_by", "fee_reviewed_at"])
    return renewal


@transaction.atomic
def reject_fee(*, renewal, by, reason, now=None):
    """Staff reject the payment with a reason; the credentials' cycles open again so the
    practitioner can submit a new renewal."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the payment is rejected.")})
    renewal = locked(renewal)
    if renewal.status not in (Renewal.Status.SUBMITTED, Renewal.Status.NEEDS_APPROVAL):
        raise ValidationError(_("Only a renewal that is still pending can be rejected."))
    renewal.fee_status = Renewal.FeeStatus.REJECTED
    renewal.status = Renewal.Status.REJECTED
    renewal.rejection_reason = reason
    renewal.fee_reviewed_by, renewal.fee_reviewed_at = by, now
    renewal.save(
        update_fields=[
            "fee_status",
            "status",
            "rejection_reason",
            "fee_reviewed_by",
            "fee_reviewed_at",
        ]
    )
    renewal.cycles.update(status=RenewalCycle.Status.OPEN, renewal=None, submitted_at=None)
    enqueue_renewal_rejected(renewal)
    return renewal


@transaction.atomic
def approve_renewal(*, renewal, by, now=None):
    """Staff approve the renewal of a lapsed credential (docs/domain.md, "Expiry")."""
    now = now or timezone.now()
    renewal = locked(renewal)
    if renewal.status != Renewal.Status.NEEDS_APPROVAL:
        raise ValidationError(_("This renewal does not need approval."))
    renewal.status = Renewal.Status.SUBMITTED
    renewal.approved_by = by
    renewal.save(update_fields=["status", "approved_by"])
    return complete_if_ready(renewal, now=now)


def _lock_practitioner(practitioner_id):
    """Lock the practitioner's row. SEU writes (seus.services) lock it first too, so
    completing a renewal, another renewal of the same holder and SEU changes run one at
    a time and each counts what the previous one committed."""
    return Practitioner.objects.select_for_update().get(pk=practitioner_id)


def complete_if_ready(renewal, *, now):
    if (
        renewal.status == Renewal.Status.SUBMITTED
        and renewal.fee_status == Renewal.FeeStatus.CONFIRMED
    ):
        if has_open_audit(
            renewal
        ):  # the renewal waits for its SEU audit (renewals.audits.services)
            _set_held(renewal, _("Waiting for its SEU audit to close."))
            return renewal
        _lock_practitioner(renewal.practitioner_id)
        cycles = list(renewal.cycles.all())
        counted = selectors.seus_total(
            selectors.seu_entries_counted(practitioner=renewal.practitioner, cycles=cycles)
        )
        if counted >= renewal.seus_required:
            return complete_renewal(renewal=renewal, now=now)
        _hold(renewal, counted=counted)
    return renewal


def _hold(renewal, *, counted):
    """Record why a fee-confirmed renewal cannot complete: staff see it in their list
    (and may reject it so the practitioner can submit again); the sweep retries daily."""
    missing = renewal.seus_required - counted
    reason = _(
        "Only %(counted)s of %(required)s count now: %(missing)s missing. It completes once "
        "they are logged; reject it to let the practitioner submit again."
    ) % {
        "counted": selectors.format_seus(counted),
        "required": selectors.format_seus(renewal.seus_required),
        "missing": selectors.format_seus(missing),
    }
    _set_held(renewal, reason)


def _set_held(renewal, reason):
    if renewal.held_reason != reason:
        renewal.held_reason = reason
        renewal.save(update_fields=["held_reason"])


class Extension(NamedTuple):
    """A credential, the expiry it is given and its holder's local date."""

    credential: Credential
    expires_on: date
    today: date


def extend_credential(*, credential, expires_on, today):
    """`extend_credentials` for one credential: returns its new cycle."""
    [cycle] = extend_credentials(extensions=[Extension(credential, expires_on, today)])
    return cycle


def extend_credentials(*, extensions):
    """Give credentials whose current cycle has just completed their new expiry: each
    stored status is refreshed as of its holder's `today` and the next cycle opens.
    Used by renewals and by a new course renewing the holder's other credentials.
    `credentials_renewed` is sent once for the set. The signed copy follows the expiry
    by itself: the first time it is asked for, one is signed with the new validUntil
    (certifications.vc.services.issue_signed_credential), as for a credential a closing
    course issues. A fixed number of queries however many credentials (programs loaded);
    returns the new cycles."""
    credentials = []
    for credential, expires_on, today in extensions:
        program = credential.program
        credential.expires_on = expires_on
        status = selectors.status_on(
            expires_on=expires_on,
            today=today,
            lead_days=program.reminder_lead_days,
            grace_days=program.grace_days,
            requirements_met=False,
        )
        if status != credential.status:
            credential.status, credential.status_changed_on = status, today
        credentials.append(credential)
    if not credentials:
        return []  # not even a savepoint: most closings renew nothing
    with transaction.atomic():
        bulk.update_audited(credentials, ["expires_on", "status", "status_changed_on"])
        cycles = open_cycles(credentials=credentials)
        credentials_renewed.send(sender=Credential, credentials=credentials)
    return cycles


@transaction.atomic
def renew_credentials_for_course(*, holders, expires_on, now=None):
    """Completing a new course renews the holder's existing credentials, aligned to the
    new credential's expiry `expires_on` (docs/domain.md, "Renewing"). Each credential
    of `holder` that is not lapsed and expires before `expires_on` gets that expiry; its
    current cycle is completed without consuming SEUs (no renewal used them), a new cycle
    opens, and its stored status is refreshed. A credential with a renewal in progress
    (cycle submitted) is left alone: that renewal decides its expiry. Running it again
    changes nothing (nothing expires earlier any more). Returns the credentials renewed.
    `holders` are the attendees of one closing course: the reads, the cycle update and
    the renewing (`extend_credentials`) cost a fixed number of queries for all of them."""
    now = now or timezone.now()
    holders = {holder.pk: holder for holder in holders}
    today = {pk: today_for(holder, now) for pk, holder in holders.items()}
    candidates = (
        Credential.objects.select_for_update(of=("self",))
        .filter(holder_id__in=list(holders), expires_on__lt=expires_on)
        .select_related("program")
        .order_by("pk")
    )
    credentials = [c for c in candidates if not c.is_lapsed_on(today[c.holder_id])]
    current = {
        cycle.credential_id: cycle
        for cycle in RenewalCycle.objects.select_for_update()
        .filter(credential__in=credentials)
        .exclude(status=RenewalCycle.Status.COMPLETED)
    }
    credentials = [
        c
        for c in credentials
        if c.pk not in current or current[c.pk].status != RenewalCycle.Status.SUBMITTED
    ]
    RenewalCycle.objects.filter(
        pk__in=[current[c.pk].pk for c in credentials if c.pk in current]
    ).update(status=RenewalCycle.Status.COMPLETED, completed_at=now)
    extend_credentials(
        extensions=[Extension(c, expires_on, today[c.holder_id]) for c in credentials]
    )
    return credentials


@transaction.atomic
def complete_renewal(*, renewal, now=None):
    """Complete a renewal whose SEUs and fee are satisfied: each credential's new expiry is
    its old expiry plus the program's validity (not today plus the validity), just enough
    of the SEU entries counted are consumed (renewals/plans.py), a new cycle opens, and a confirmation email goes out."""
    now = now or timezone.now()
    renewal = locked(renewal)
    if renewal.status == Renewal.Status.COMPLETED:
        return renewal
    if renewal.status != Renewal.Status.SUBMITTED or (
        renewal.fee_status != Renewal.FeeStatus.CONFIRMED
    ):
        raise ValidationError(_("A renewal completes once its fee is confirmed (and approved)."))
    if has_open_audit(renewal):
        raise ValidationError(_("A renewal under SEU audit completes once the audit is closed."))
    _lock_practitioner(renewal.practitioner_id)
    cycles = list(renewal.cycles.select_related("credential__program", "credential__holder"))
    entries = selectors.seu_entries_counted(practitioner=renewal.practitioner, cycles=cycles)
    if selectors.seus_total(entries) < renewal.seus_required:
        raise ValidationError(_("The SEUs counted no longer cover this renewal."))
    # Just enough of them, chosen as the submit page showed (renewals/plans.py); the rest
    # stay for the holder's other credentials.
    counted = [
        entry.pk
        for entry in plans.planned_entries(
            practitioner=renewal.practitioner, cycles=cycles, required=renewal.seus_required
        )
    ]
    consumed = SeuEntry.objects.filter(pk__in=counted, consumed_by__isnull=True).update(
        consumed_by=renewal
    )
    if consumed != len(counted):  # cannot happen under the lock; never consume twice
        raise ValidationError(_("Some of the SEUs counted were used by another renewal."))
    RenewalCycle.objects.filter(pk__in=[c.pk for c in cycles]).update(
        status=RenewalCycle.Status.COMPLETED, completed_at=now
    )
    today = selectors.today_for(renewal.practitioner, now)
    extend_credentials(
        extensions=[
            Extension(
                cycle.credential,
                add_months(cycle.ends_on, cycle.credential.program.validity_months),
                today,
            )
            for cycle in cycles
        ]
    )
    renewal.status, renewal.completed_at = Renewal.Status.COMPLETED, now
    renewal.held_reason = ""
    renewal.save(update_fields=["status", "completed_at", "held_reason"])
    enqueue_renewal_confirmation(renewal)
    return renewal


def enqueue_renewal_confirmation(renewal):
    """The confirmation of a completed renewal: one per renewal (outbox key)."""
    renewal = Renewal.objects.select_related("practitioner__user").get(pk=renewal.pk)
    credentials = [
        c.credential for c in renewal.cycles.select_related("credential__program").order_by("pk")
    ]
    return outbox.enqueue(
        "renewal_confirmation",
        {
            "renewal": renewal,
            "practitioner": renewal.practitioner,
            "credentials": credentials,
            "fee": selectors.format_fee(renewal.fee_amount, renewal.fee_currency),
            "dashboard_url": settings.SITE_URL + reverse("dashboard"),
        },
        to=renewal.practitioner.email,
        key=f"renewal_confirmation:{renewal.pk}",
    )


def enqueue_renewal_received(renewal):
    """The acknowledgement of a submitted renewal, as a claim gets one: what was
    submitted and what happens next. One per renewal (outbox key)."""
    renewal = Renewal.objects.select_related("practitioner__user").get(pk=renewal.pk)
    credentials = [
        c.credential for c in renewal.cycles.select_related("credential__program").order_by("pk")
    ]
    return outbox.enqueue(
        "renewal_received",
        {
            "renewal": renewal,
            "practitioner": renewal.practitioner,
            "credentials": credentials,
            "fee": selectors.format_fee(renewal.fee_amount, renewal.fee_currency),
            "needs_approval": renewal.status == Renewal.Status.NEEDS_APPROVAL,
            "renewals_url": settings.SITE_URL + reverse("renewals:mine"),
        },
        to=renewal.practitioner.email,
        key=f"renewal_received:{renewal.pk}",
    )


def enqueue_renewal_rejected(renewal):
    """The rejection of a renewal's payment, with the reason: one per renewal."""
    renewal = Renewal.objects.select_related("practitioner__user").get(pk=renewal.pk)
    return outbox.enqueue(
        "renewal_rejected",
        {
            "renewal": renewal,
            "practitioner": renewal.practitioner,
            "submit_url": settings.SITE_URL + reverse("renewals:submit"),
        },
        to=renewal.practitioner.email,
        key=f"renewal_rejected:{renewal.pk}",
    )
