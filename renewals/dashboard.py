"""The practitioner's dashboard: one card per credential with its progress and the one
thing to do next, in plain words."""

from dataclasses import dataclass

from certifications.models import Credential
from certifications.selectors import credentials_of

from .models import Renewal, RenewalCycle
from .selectors import credential_progress


def _seus_text(amount):
    number = f"{amount.normalize():f}"
    return f"{number} more SEU" if amount == 1 else f"{number} more SEUs"


def next_action(progress):
    """The one thing the holder should do next for a credential, in plain words, from its
    Progress (renewals.selectors.credential_progress)."""
    credential, cycle = progress.credential, progress.cycle
    if credential.revoked_at is not None:
        return "This credential was revoked: it cannot be renewed. Contact staff with questions."
    if progress.status == Credential.Status.LAPSED:
        return "Your credential has lapsed: submit a renewal, which needs staff approval."
    deadline = credential.expires_on
    if progress.status == Credential.Status.GRACE:
        deadline = credential.grace_ends_on
    if progress.seus_missing > 0:
        if progress.status == Credential.Status.GRACE:
            # The look-back window ends at expiry: SEUs earned in grace never count.
            return (
                f"Log {_seus_text(progress.seus_missing)} earned by "
                f"{credential.expires_on:%-d %b %Y} before {deadline:%-d %b %Y}"
            )
        return f"Log {_seus_text(progress.seus_missing)} before {deadline:%-d %b %Y}"
    renewal = cycle.renewal if cycle else None
    if cycle is None or cycle.status == RenewalCycle.Status.OPEN or renewal is None:
        opens_on = credential.renewal_opens_on
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
