"""A person's account and profile, their courses and credentials, in the privacy
registries (cspo_tracker/privacy): the staff upload files' retention, the archive's
profile and credentials parts, and the last step of an erasure, which anonymises the
account and keeps the registry's facts.

What an erasure keeps, and why (docs/decisions/0017-personal-data-lifetime.md): each
credential's certificate number, program, issue and expiry dates, status and
revocation, with its course, held by an anonymous holder row (no name, no email),
because the certifying body must be able to answer whether a number it issued is valid.
Signed copies the holder took away stay verifiable: their status-list bits are kept,
and only our stored copy of the signed document (it names the holder) is emptied.
"""

import secrets

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cspo_tracker.privacy import Person, erasure, export, retention

from .imports.models import ImportJob
from .issuing.services import verification_url
from .models import (
    Attendance,
    Course,
    Credential,
    Enrollment,
    Practitioner,
    SignedCredential,
    User,
    WalletOffer,
    display_name,
)
from .selectors import active_trainer_rows
from .vc import services as vc_services

ERASED_DOMAIN = "erased.invalid"  # RFC 2606: never deliverable


def person_of(user):
    """The person behind `user` for an export or an erasure: every address the account
    holds (emails went to each) and its names."""
    emails = {user.email.lower()}
    emails.update(
        address.lower()
        for address in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    )
    names = [display_name(user), user.first_name.strip(), user.last_name.strip()]
    return Person(
        user_id=user.pk,
        emails=tuple(sorted(emails)),
        names=tuple(dict.fromkeys(name for name in names if name)),
    )


# --- Export ------------------------------------------------------------------------------


def prepare_export(*, user):
    """Sign the current copy of each of the user's credentials that was never asked for
    (signed copies are made when first needed), so the archive carries every one. A
    holder without a name has none yet. Returns the Person to export."""
    for credential in Credential.objects.filter(holder__user=user):
        try:
            vc_services.issue_signed_credential(credential)
        except vc_services.HolderHasNoName:
            break  # one holder: none of their credentials can be signed yet
    return person_of(user)


def _profile(user, practitioner):
    return {
        "account": {
            "email": user.email,
            "language": user.language,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "joined_at": user.date_joined,
            "last_login_at": user.last_login,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "two_factor": [
            {
                "type": factor.type,
                "added_at": factor.created_at,
                "last_used_at": factor.last_used_at,
            }
            for factor in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "profile": practitioner
        and {
            "member_id": practitioner.member_id,
            "time_zone": practitioner.time_zone,
            "optional_reminders": practitioner.optional_reminders,
            "calendar_feed": _("a secret link, shown on your profile page"),
            "created_at": practitioner.created_at,
        },
    }


def _courses(practitioner):
    enrollments = (
        Enrollment.objects.filter(practitioner=practitioner)
        .select_related("course__program", "course__trainer__user")
        .prefetch_related(
            Prefetch(
                "attendance",
                queryset=Attendance.objects.select_related("session").order_by("session__position"),
            )
        )
        .order_by("course__starts_on", "pk")
    )
    for enrollment in enrollments:
        course = enrollment.course
        yield {
            "course": course.title,
            "program": course.program.code,
            "starts_on": course.starts_on,
            "ends_on": course.ends_on,
            "trainer": display_name(course.trainer.user),
            "online": course.is_online,
            "location": course.location,
            "enrolled_at": enrollment.enrolled_at,
            "completed": enrollment.completed,
            "attendance": [
                {
                    "session": row.session.position,
                    "held_on": row.session.held_on,
                    "hours": row.hours_attended,
                }
                for row in enrollment.attendance.all()
            ],
        }


def _credential_rows(credentials):
    for credential in credentials:
        yield {
            "certificate_number": credential.certificate_number,
            "program": credential.program.code,
            "program_name": credential.program.name,
            "issued_on": credential.issued_on,
            "expires_on": credential.expires_on,
            "status": credential.status,
            "revoked_at": credential.revoked_at,
            "revoked_reason": credential.revoked_reason,
            "course": credential.course.title if credential.course else None,
            "verification_url": verification_url(credential),
        }


def export_entries(person):
    user = User.objects.get(pk=person.user_id)
    practitioner = Practitioner.objects.filter(user=user).first()
    yield export.Document("profile/profile.json", _profile(user, practitioner))
    if practitioner is None:
        return
    yield export.Rows("profile/courses.json", _courses(practitioner))
    credentials = Credential.objects.filter(holder=practitioner).select_related("program", "course")
    yield export.Rows(
        "credentials/credentials.json",
        _credential_rows(credentials.order_by("issued_on", "pk").iterator(chunk_size=500)),
    )
    signed = (
        SignedCredential.objects.filter(credential__holder=practitioner)
        .exclude(signed_json="")
        .select_related("credential")
        .order_by("credential__certificate_number", "valid_until")
    )
    for copy in signed.iterator(chunk_size=100):
        yield export.Text(
            f"credentials/signed/{copy.credential.certificate_number}-until-"
            f"{copy.valid_until:%Y-%m-%d}.json",
            copy.signed_json,
        )
    yield export.Rows("credentials/wallet_offers.json", _wallet_offers(practitioner))


def _wallet_offers(practitioner):
    """Each "Add to wallet" offer: when, and the wallet key a credential went to."""
    offers = WalletOffer.objects.filter(credential__holder=practitioner).select_related(
        "credential"
    )
    for offer in offers.order_by("created_at", "pk").iterator(chunk_size=500):
        yield {
            "certificate_number": offer.credential.certificate_number,
            "offered_at": offer.created_at,
            "issued_at": offer.issued_at,
            "wallet_key": offer.holder_did or None,
        }


# --- Erasure -----------------------------------------------------------------------------


def erasure_refusal(user):
    """Why `user` cannot erase their account themselves, or None. Staff and trainers act
    on other people's records (courses, decisions, the audit trail): the certifying body
    closes those accounts, not a button."""
    if user.is_staff or user.is_superuser:
        return _("Staff accounts are closed by another staff member, not from this page.")
    if active_trainer_rows(user).exists():
        return _("Trainer accounts are closed by staff: courses and credentials name you.")
    return None


@transaction.atomic
def request_erasure(*, user, now=None):
    """Lock `user`'s account now and erase their personal data (cspo_tracker/privacy/
    erasure.py runs each app's step after the commit). Returns the Retirement."""
    refusal = erasure_refusal(user)
    if refusal:
        raise ValidationError(refusal)
    return erasure.start(person=person_of(user), now=now)


def erase_account(person, *, now=None):
    """The last step: the account keeps no name, address, password or second factor;
    the holder row keeps only what the registry needs. Enrolments in courses not yet
    closed go (nothing was earned there); closed courses keep theirs, anonymous, as the
    record of how each credential was earned."""
    now = now or timezone.now()
    EmailAddress.objects.filter(user_id=person.user_id).delete()
    Authenticator.objects.filter(user_id=person.user_id).delete()
    for log in (AccessAttempt, AccessFailureLog, AccessLog):
        for email in person.emails:
            log.objects.filter(username__iexact=email).delete()
    User.objects.filter(pk=person.user_id).update(
        email=f"erased-{person.user_id}@{ERASED_DOMAIN}",
        first_name="",
        last_name="",
        language="",
        password=make_password(None),
        is_active=False,
        last_login=None,
    )
    holders = Practitioner.objects.filter(user_id=person.user_id)
    holders.filter(erased_at__isnull=True).update(erased_at=now)
    holders.update(
        member_id="",
        time_zone="UTC",
        optional_reminders=False,
        calendar_token=secrets.token_urlsafe(),
    )
    SignedCredential.objects.filter(credential__holder__in=holders).update(signed_json="")
    WalletOffer.objects.filter(credential__holder__in=holders).delete()
    Enrollment.objects.filter(
        practitioner__in=holders, course__status=Course.Status.PLANNED
    ).delete()


def prunable_imports():
    return ImportJob.objects.filter(status__in=ImportJob.FINISHED)


def delete_import_files(jobs):
    for job in jobs.exclude(file=""):
        job.file.delete(save=False)


def register():
    retention.register_rule(
        retention.Rule(
            kind="import_jobs",
            setting="RETENTION_IMPORTS_DAYS",
            prunable=prunable_imports,
            age_field="created_at",
            before_delete=delete_import_files,
        )
    )
    retention.register_rule(
        retention.Rule(
            kind="wallet_offers",
            setting="RETENTION_WALLET_OFFERS_DAYS",
            prunable=WalletOffer.objects.all,
            age_field="created_at",
        )
    )
    export.register_part(
        "profile",
        export_entries,
        order=10,
        describes=gettext_lazy(
            "your account, profile, courses and attendance; credentials/: your "
            "credentials and their signed copies (Open Badges 3.0)"
        ),
    )
    erasure.register_step("account", erase_account, order=90)
