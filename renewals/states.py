"""The one place that decides which state a credential is in, and what may be done with
it in that state (docs/states.md).

A credential's state combines its expiry status (renewals.selectors.status_on), its
current cycle's renewal, that renewal's fee and any open SEU audit. Every surface reads
it from here: the dashboard card's status word, the staff practitioner view, the JSON API
(`state`), and the staff pages' offers. The rule "no surface offers an action the server
would refuse" holds because the server's checks ask the same functions
(`fee_refusal` in renewals.services.confirm_fee).
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from certifications.models import Credential

from .audits.models import SeuAudit
from .models import Renewal, RenewalCycle


class State(models.TextChoices):
    ACTIVE = "active", _("Active")
    RENEWAL_DUE = "renewal_due", _("Renewal due")
    RENEWAL_SUBMITTED = "renewal_submitted", _("Renewal submitted: fee being confirmed")
    UNDER_SEU_AUDIT = "under_seu_audit", _("Under SEU audit: evidence asked")
    EVIDENCE_RECEIVED = "evidence_received", _("Under SEU audit: evidence being reviewed")
    FEE_CONFIRMED = "fee_confirmed", _("Fee confirmed: renewal waiting")
    IN_GRACE = "grace", _("Grace period")
    LAPSED = "lapsed", _("Lapsed")
    REVOKED = "revoked", _("Revoked")


# What the public verification page says in each state: the dates decide, never the
# renewal in progress (docs/domain.md, "Expiry").
EXPIRY_STATES = {State.IN_GRACE, State.LAPSED}


@dataclass(frozen=True)
class CredentialState:
    state: State
    renewal: Renewal | None = None
    audit: SeuAudit | None = None

    @property
    def label(self):
        return self.state.label

    @property
    def value(self):
        return self.state.value


def state_of(progress, audit=None):
    """The state of one credential from its Progress (renewals.selectors) and the open
    SEU audit of its renewal in progress, if any (`with_stage()` annotated)."""
    credential, cycle = progress.credential, progress.cycle
    if credential.revoked_at is not None:
        return CredentialState(State.REVOKED)
    renewal = cycle.renewal if cycle is not None else None
    if cycle is not None and cycle.status == RenewalCycle.Status.SUBMITTED and renewal:
        if audit is not None and audit.is_open:
            stage = State.EVIDENCE_RECEIVED
            if audit.stage == "waiting_for_evidence":
                stage = State.UNDER_SEU_AUDIT
            return CredentialState(stage, renewal, audit)
        if renewal.fee_status == Renewal.FeeStatus.CONFIRMED:
            return CredentialState(State.FEE_CONFIRMED, renewal)
        return CredentialState(State.RENEWAL_SUBMITTED, renewal)
    return CredentialState(
        {
            Credential.Status.RENEWAL_DUE: State.RENEWAL_DUE,
            Credential.Status.GRACE: State.IN_GRACE,
            Credential.Status.LAPSED: State.LAPSED,
        }.get(progress.status, State.ACTIVE)
    )


def states_for(progresses):
    """{credential_id: CredentialState} for a list of Progress rows: one query for the
    open audits of their renewals, whatever the number of credentials."""
    renewal_ids = {
        p.cycle.renewal_id for p in progresses if p.cycle is not None and p.cycle.renewal_id
    }
    audits = {}
    if renewal_ids:
        audits = {
            a.renewal_id: a
            for a in SeuAudit.objects.with_stage().filter(
                renewal_id__in=renewal_ids, status=SeuAudit.Status.OPEN
            )
        }
    return {
        p.credential.pk: state_of(
            p, audits.get(p.cycle.renewal_id) if p.cycle is not None else None
        )
        for p in progresses
    }


def fee_refusal(renewal, *, under_audit):
    """Why staff may not confirm `renewal`'s fee now, or "" when they may. The fee page,
    the renewals queue and renewals.services.confirm_fee all ask this."""
    awaiting = renewal.fee_status == Renewal.FeeStatus.PENDING or (
        # Left for online payment: staff may record it as paid by invoice instead.
        renewal.fee_status == Renewal.FeeStatus.UNPAID and renewal.status in Renewal.IN_PROGRESS
    )
    if not awaiting:
        return gettext("This fee is not awaiting confirmation.")
    if under_audit:
        return gettext(
            "This renewal is under SEU audit: its fee can be confirmed once the audit is closed."
        )
    return ""
