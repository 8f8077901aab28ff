"""Every email the app sends, rendered with realistic sample data, for the staff preview
page. The samples are unsaved model instances: nothing is written, and each email is
rendered by the same helper and templates as the real one (cspo_tracker/outbox/emails.py).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from certifications.models import (
    Course,
    Credential,
    Organisation,
    Practitioner,
    Program,
    Trainer,
    User,
)
from cspo_tracker.outbox.emails import RenderedEmail, html_twin, render_email
from renewals.audits.models import SeuAudit, SeuAuditItem
from renewals.claims.models import CredentialClaim
from renewals.models import Renewal
from seus.models import SeuCategory, SeuEntry


@dataclass(frozen=True)
class Preview:
    name: str
    label: str
    optional: bool
    email: RenderedEmail


def _people():
    program = Program(
        code="CSPO", name="Certified Scrum Product Owner", seus_required=Decimal("20")
    )
    holder = Practitioner(
        user=User(email="ada.lovelace@example.org", first_name="Ada", last_name="Lovelace"),
        time_zone="Europe/London",
    )
    trainer = Trainer(user=User(email="grace@example.org", first_name="Grace", last_name="Hopper"))
    course = Course(
        title="Product Ownership in Practice",
        program=program,
        trainer=trainer,
        starts_on=datetime.date(2026, 3, 9),
        ends_on=datetime.date(2026, 3, 10),
    )
    credential = Credential(
        certificate_number="CSPO-7K3M-9QX2",
        program=program,
        holder=holder,
        course=course,
        issued_on=datetime.date(2026, 3, 10),
        expires_on=datetime.date(2028, 3, 10),
    )
    return program, holder, course, credential


def _url(name, *args):
    return settings.SITE_URL + reverse(name, args=args)


def samples():
    """[(name, label, optional, context)] for every email kind."""
    program, holder, course, credential = _people()
    user = holder.user
    set_password = settings.SITE_URL + "/accounts/password/reset/key/4a-set-password/"
    renewal = Renewal(pk=1042, payment_reference="PAY-2026-0412")
    renewal.rejection_reason = "The bank returned the payment: the card had expired."
    claim = CredentialClaim(
        program=program,
        certificate_number="CSPO-2K8N-4RT7",
        issued_on=datetime.date(2024, 11, 4),
        rejection_reason="The certificate number does not match the certificate you uploaded.",
        credential=credential,
    )
    entries = [
        SeuEntry(
            activity="Agile Testing Days: product discovery track",
            category=SeuCategory(code="C", name="Outside events"),
            earned_on=datetime.date(2026, 11, 18),
            seus=Decimal("8"),
        ),
        SeuEntry(
            activity="Reading: Escaping the Build Trap",
            category=SeuCategory(code="E", name="Independent learning"),
            earned_on=datetime.date(2027, 2, 2),
            seus=Decimal("6.5"),
        ),
    ]
    requested = [SeuAuditItem(entry=entry) for entry in entries]
    decided = [
        SeuAuditItem(entry=entries[0], status=SeuAuditItem.Status.ACCEPTED),
        SeuAuditItem(
            entry=entries[1],
            status=SeuAuditItem.Status.REJECTED,
            reason="A reading list is not evidence of the hours; send notes or a summary.",
        ),
    ]
    reminder = {
        "practitioner": holder,
        "credential": credential,
        "program": program,
        "deadline": credential.expires_on,
        "time_zone": holder.time_zone,
        "expired": False,
        "missing": "5.5 SEUs and the US$100 fee",
        "seus_missing_count": Decimal("5.5"),
        "grace_ends_on": datetime.date(2028, 6, 8),
        "dashboard_url": _url("dashboard"),
        "renew_url": _url("renewals:submit") + "?credential=1",
    }
    unsubscribe = settings.SITE_URL + "/renewals/unsubscribe/sample-signed-token/"
    audit_url = settings.SITE_URL + "/renewals/audits/7/"
    return [
        (
            "welcome",
            _("Welcome: a credential was issued"),
            False,
            {
                "credential": credential,
                "holder": holder,
                "verify_url": _url("verify_credential", credential.certificate_number),
            },
        ),
        (
            "invitation",
            _("Invitation: enrolled in a course"),
            False,
            {"user": user, "course": course, "set_password_url": set_password},
        ),
        (
            "provider_invitation",
            _("Invitation: an SEU provider reported SEUs"),
            False,
            {
                "user": user,
                "organisation": Organisation(name="Agile Learning Partners Ltd"),
                "set_password_url": set_password,
            },
        ),
        (
            "renewal_reminder",
            _("Renewal reminder, 60 days before expiry (optional)"),
            True,
            {**reminder, "days_left": 60, "unsubscribe_url": unsubscribe},
        ),
        (
            "renewal_reminder",
            _("Expiry-day notice (mandatory)"),
            False,
            {**reminder, "days_left": 0, "unsubscribe_url": None},
        ),
        (
            "renewal_received",
            _("Renewal received"),
            False,
            {
                "renewal": renewal,
                "practitioner": holder,
                "credentials": [credential],
                "fee": "US$100",
                "needs_approval": False,
                "renewals_url": _url("renewals:mine"),
            },
        ),
        (
            "renewal_confirmation",
            _("Renewal confirmed"),
            False,
            {
                "renewal": renewal,
                "practitioner": holder,
                "credentials": [credential],
                "fee": "US$100",
                "dashboard_url": _url("dashboard"),
            },
        ),
        (
            "renewal_rejected",
            _("Renewal fee rejected"),
            False,
            {"renewal": renewal, "practitioner": holder, "submit_url": _url("renewals:submit")},
        ),
        (
            "payment_failed",
            _("Online payment of the fee failed"),
            False,
            {
                "renewal": renewal,
                "practitioner": holder,
                "fee": "US$100",
                "renewals_url": _url("renewals:mine"),
            },
        ),
        (
            "fee_refunded",
            _("Fee refunded, owed again"),
            False,
            {
                "renewal": renewal,
                "practitioner": holder,
                "fee": "US$100",
                "renewals_url": _url("renewals:mine"),
            },
        ),
        (
            "claim_received",
            _("Claim of an earlier credential received"),
            False,
            {
                "claim": claim,
                "practitioner": holder,
                "claims_url": settings.SITE_URL + "/renewals/claims/",
            },
        ),
        (
            "claim_approved",
            _("Claim approved"),
            False,
            {
                "claim": claim,
                "practitioner": holder,
                "verify_url": _url("verify_credential", credential.certificate_number),
            },
        ),
        (
            "claim_rejected",
            _("Claim rejected"),
            False,
            {
                "claim": claim,
                "practitioner": holder,
                "claims_url": settings.SITE_URL + "/renewals/claims/",
            },
        ),
        (
            "seu_audit_requested",
            _("SEU audit: evidence requested"),
            False,
            {
                "audit": SeuAudit(),
                "renewal": renewal,
                "practitioner": holder,
                "items": requested,
                "audit_url": audit_url,
                "seus_required": "20 SEUs",
            },
        ),
        (
            "seu_audit_closed",
            _("SEU audit closed"),
            False,
            {
                "audit": SeuAudit(status=SeuAudit.Status.FAILED),
                "renewal": renewal,
                "practitioner": holder,
                "items": decided,
                "audit_url": audit_url,
                "seus_required": "20 SEUs",
            },
        ),
        (
            "credential_revoked",
            _("Credential revoked"),
            False,
            {
                "credential": credential,
                "holder": holder,
                "reason": "Issued by mistake: the attendance of day 2 was not recorded.",
            },
        ),
        (
            "webhook_disabled",
            _("Webhook turned off after failing"),
            False,
            {
                "subscription": SimpleNamespace(url="https://hr.example.org/hooks/cspo"),
                "hours": settings.WEBHOOKS_DISABLE_AFTER_HOURS,
                "manage_url": settings.SITE_URL + "/profile/webhooks/",
            },
        ),
    ]


def _account_email(template, context):
    """django-allauth's account emails, rendered as the AccountAdapter stores them: its
    text templates, in the branded layout."""
    site = SimpleNamespace(name=settings.SITE_NAME, domain=settings.SITE_URL.split("://")[-1])
    context = {"current_site": site, **context}
    subject = render_to_string(f"account/email/{template}_subject.txt", context).strip()
    subject = f"[{site.name}] {subject}"
    text = render_to_string(f"account/email/{template}_message.txt", context)
    return RenderedEmail(subject=subject, body_text=text, body_html=html_twin(subject, text))


def previews():
    """Every email kind, rendered; the account emails of django-allauth last."""
    rendered = [
        Preview(name=name, label=label, optional=optional, email=render_email(name, context))
        for name, label, optional, context in samples()
    ]
    _program, holder, _course, _credential = _people()
    rendered += [
        Preview(
            name="email_confirmation",
            label=_("Account: confirm the email address"),
            optional=False,
            email=_account_email(
                "email_confirmation",
                {
                    "user": holder.user,
                    "activate_url": settings.SITE_URL + "/accounts/confirm-email/sample-key/",
                },
            ),
        ),
        Preview(
            name="password_reset_key",
            label=_("Account: reset the password"),
            optional=False,
            email=_account_email(
                "password_reset_key",
                {
                    "user": holder.user,
                    "password_reset_url": settings.SITE_URL
                    + "/accounts/password/reset/key/sample-key/",
                },
            ),
        ),
    ]
    return rendered
