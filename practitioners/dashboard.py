"""The practitioner's dashboard: one card per credential with its progress and the one
thing to do next, in plain words.

Every card's next action, fee wording and button come from `card_state`, which follows
the server's own rules (services.submit_renewal): a renewal is offered only when
submitting it would be accepted; templates only render what it says.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from certifications.models import Credential
from certifications.selectors import credentials_of
from cspo_tracker.formats import day
from renewals.models import Renewal, RenewalCycle
from renewals.payments.services import payable
from renewals.selectors import credential_progress, format_fee, format_seus, renewal_in_progress
from renewals.states import State, states_for

# The button a card shows (None: no button).
SUBMIT, LOG_SEUS, PAY = "submit", "log_seus", "pay"
DUE_STATUSES = (Credential.Status.RENEWAL_DUE, Credential.Status.GRACE, Credential.Status.LAPSED)


def _seus_text(amount):
    number = f"{amount.normalize():f}"
    # A fractional amount reads as a plural; ngettext needs a whole number to choose by.
    count = int(amount) if amount == amount.to_integral_value() else 2
    return ngettext("%(number)s more SEU", "%(number)s more SEUs", count) % {"number": number}


def window_not_started(progress):
    """The current window's first day when it is still ahead (after an early renewal the
    new window starts at the old expiry): SEUs earned before it count 0 here."""
    cycle = progress.cycle
    if cycle is not None and progress.today < cycle.window_starts_on:
        return cycle.window_starts_on
    return None


def window_note(progress):
    """Why an SEU logged today counts 0 for this credential, and from when SEUs count."""
    starts_on = window_not_started(progress)
    if starts_on is None:
        return ""
    return _(
        "Your new renewal window starts on %(day)s: SEUs earned from that day "
        "count toward your next renewal. SEUs earned before it count 0 here (they belong "
        "to the period you already renewed)."
    ) % {"day": day(starts_on)}


def _own_renewal(progress):
    cycle = progress.cycle
    if cycle is None or cycle.status == RenewalCycle.Status.OPEN:
        return None
    return cycle.renewal


def next_action(progress, in_progress=None):
    """The one thing the holder should do next for a credential, in plain words, from its
    Progress (renewals.selectors.credential_progress) and the holder's renewal waiting
    for staff, if any (at most one at a time)."""
    credential = progress.credential
    if credential.revoked_at is not None:
        return _("This credential was revoked: it cannot be renewed. Contact staff with questions.")
    renewal = _own_renewal(progress)
    if renewal is not None:
        if renewal.status == Renewal.Status.NEEDS_APPROVAL:
            return _("Nothing to do: staff are reviewing your renewal of a lapsed credential")
        if renewal.fee_status in (Renewal.FeeStatus.UNPAID, Renewal.FeeStatus.REJECTED):
            return _("Pay the renewal fee")
        if renewal.fee_status == Renewal.FeeStatus.PENDING:
            return _("Nothing to do: staff are confirming your fee payment")
        return _("Nothing to do: your renewal is being completed")
    if progress.status == Credential.Status.LAPSED and in_progress is None:
        return _("Your credential has lapsed: submit a renewal, which needs staff approval.")
    deadline = credential.expires_on
    if progress.status == Credential.Status.GRACE:
        deadline = credential.grace_ends_on
    if progress.seus_missing > 0:
        starts_on = window_not_started(progress)
        if starts_on is not None:
            return _("Log SEUs you earn from %(starts_on)s: %(seus)s needed by %(deadline)s") % {
                "starts_on": day(starts_on),
                "seus": format_seus(progress.seus_missing),
                "deadline": day(deadline),
            }
        if progress.status == Credential.Status.GRACE:
            # The look-back window ends at expiry: SEUs earned in grace never count.
            # Translators: %(seus)s reads "2 more SEUs".
            return _("Log %(seus)s earned by %(expires_on)s before %(deadline)s") % {
                "seus": _seus_text(progress.seus_missing),
                "expires_on": day(credential.expires_on),
                "deadline": day(deadline),
            }
        # Translators: %(seus)s reads "2 more SEUs".
        return _("Log %(seus)s before %(deadline)s") % {
            "seus": _seus_text(progress.seus_missing),
            "deadline": day(deadline),
        }
    if in_progress is not None:
        return _(
            "Wait for your renewal #%(number)s (submitted %(submitted_on)s) "
            "to be completed, then submit this one before %(deadline)s"
        ) % {
            "number": in_progress.pk,
            "submitted_on": day(in_progress.submitted_at),
            "deadline": day(deadline),
        }
    opens_on = credential.renewal_opens_on
    if progress.today < opens_on:
        return _("All SEUs logged: submit your renewal from %(day)s") % {"day": day(opens_on)}
    return _("Submit your renewal before %(day)s") % {"day": day(deadline)}


def fee_text(progress):
    """The renewal fee in words that match where the renewal stands: paid, being
    confirmed, owed now (renewal due, grace, lapsed), or due only when renewing."""
    fee = format_fee(progress.fee_amount, progress.fee_currency)
    if progress.fee_paid:
        return _("%(fee)s paid") % {"fee": fee}
    renewal = _own_renewal(progress)
    if renewal is not None and renewal.fee_status == Renewal.FeeStatus.PENDING:
        return _("%(fee)s paid: staff are confirming it") % {"fee": fee}
    if progress.status in DUE_STATUSES:
        return _("%(fee)s, not paid yet") % {"fee": fee}
    return _("%(fee)s, paid when you submit your renewal") % {"fee": fee}


def button(progress, in_progress=None):
    """SUBMIT when submitting this credential's renewal now would be accepted, LOG_SEUS
    when SEUs are missing and can still count, PAY when its submitted renewal waits for a
    fee that can be paid online, else None."""
    credential, cycle = progress.credential, progress.cycle
    if credential.revoked_at is not None or cycle is None:
        return None
    renewal = _own_renewal(progress)
    if renewal is not None and payable(renewal):
        return PAY
    if cycle.status != RenewalCycle.Status.OPEN:
        return None
    if progress.seus_missing > 0:
        return None if progress.status == Credential.Status.LAPSED else LOG_SEUS
    if in_progress is not None or progress.today < credential.renewal_opens_on:
        return None
    return SUBMIT


@dataclass(frozen=True)
class DashboardCard:
    progress: object
    next_action: str
    fee_text: str = ""
    button: str | None = None
    window_note: str = ""
    state: object = None  # renewals.states.CredentialState

    @property
    def status_label(self):
        """The state's word (renewals.states), the one every surface shows."""
        if self.state is not None:
            return self.state.label
        return Credential.Status(self.progress.status).label

    @property
    def status_key(self):
        return self.state.value if self.state is not None else self.progress.status


AUDIT_ACTIONS = {
    State.UNDER_SEU_AUDIT: gettext_lazy("Send evidence for the SEU audit of your renewal"),
    State.EVIDENCE_RECEIVED: gettext_lazy(
        "Nothing to do: staff are reviewing the evidence you sent"
    ),
}


def card_state(progress, in_progress=None, state=None):
    action = AUDIT_ACTIONS.get(state.state) if state is not None else None
    return DashboardCard(
        progress,
        action or next_action(progress, in_progress),
        fee_text=fee_text(progress),
        button=button(progress, in_progress),
        window_note=window_note(progress),
        state=state,
    )


def dashboard_cards(practitioner, *, now=None):
    """A card (progress, next action, fee, button) for each of the practitioner's
    credentials, soonest expiry first, in a fixed number of queries."""
    in_progress = renewal_in_progress(practitioner)
    progresses = credential_progress(credentials_of(practitioner), now=now)
    states = states_for(progresses)
    return [
        card_state(progress, in_progress, states[progress.credential.pk]) for progress in progresses
    ]
