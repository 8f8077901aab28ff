"""Reads for certifications."""

from dataclasses import dataclass
from datetime import timedelta

from renewals.models import Renewal, RenewalCycle
from renewals.selectors import credential_progress

from .models import Credential, Practitioner


def practitioner_for(user):
    """The practitioner profile of a logged-in user (created on first need)."""
    practitioner, _ = Practitioner.objects.select_related("user").get_or_create(user=user)
    return practitioner


def credentials_of(practitioner):
    return Credential.objects.filter(holder=practitioner).with_related().order_by("expires_on")


def _seus_text(amount):
    number = f"{amount.normalize():f}"
    return f"{number} more SEU" if amount == 1 else f"{number} more SEUs"


def next_action(progress):
    """The one thing the holder should do next for a credential, in plain words, from its
    Progress (renewals.selectors.credential_progress)."""
    credential, cycle = progress.credential, progress.cycle
    program = credential.program
    if progress.status == Credential.Status.LAPSED:
        return "Your credential has lapsed: submit a renewal, which needs staff approval."
    deadline = credential.expires_on
    if progress.status == Credential.Status.GRACE:
        deadline = credential.expires_on + timedelta(days=program.grace_days)
    if progress.seus_missing > 0:
        return f"Log {_seus_text(progress.seus_missing)} before {deadline:%-d %b %Y}"
    renewal = cycle.renewal if cycle else None
    if cycle is None or cycle.status == RenewalCycle.Status.OPEN or renewal is None:
        opens_on = credential.issued_on + timedelta(days=program.renewal_opens_after_days)
        if progress.today < opens_on:
            return f"All SEUs logged: submit your renewal from {opens_on:%-d %b %Y}"
        return f"Submit your renewal before {deadline:%-d %b %Y}"
    if renewal.fee_status in (Renewal.FeeStatus.UNPAID, Renewal.FeeStatus.REJECTED):
        return "Pay the renewal fee"
    if renewal.fee_status == Renewal.FeeStatus.PENDING:
        return "Nothing to do: staff are confirming your fee payment"
    return "Nothing to do: your renewal is being completed"


@dataclass(frozen=True)
class DashboardCard:
    progress: object
    next_action: str

    @property
    def status_label(self):
        return Credential.Status(self.progress.status).label


def dashboard_cards(practitioner, *, now=None):
    """A card (progress, next action) for each of the practitioner's credentials,
    soonest expiry first, in a fixed number of queries."""
    return [
        DashboardCard(progress, next_action(progress))
        for progress in credential_progress(credentials_of(practitioner), now=now)
    ]
