"""The unsigned JSON-LD documents: an OpenBadgeCredential for a credential, and a
BitstringStatusListCredential. Only the holder's name is personal data in them."""

import datetime

from django.conf import settings
from django.urls import reverse

from ..models import display_name
from .did import issuer_did
from .loader import CREDENTIALS_V2, OPEN_BADGES_V3


def absolute(path):
    return settings.SITE_URL + path


def issuer_profile():
    return {
        "id": issuer_did(),
        "type": ["Profile"],
        "name": settings.CREDENTIAL_ISSUER_NAME,
        "url": absolute(reverse("vc_issuer")),
    }


def criteria_narrative(program):
    hours = f"{program.course_hours_required.normalize():f}"
    seus = f"{program.seus_required.normalize():f}"
    rule = (
        "attended every session of a "
        if program.course_requires_all_sessions
        else "attended at least the required hours of a "
    )
    return (
        f"The holder {rule}{hours}-hour {program.code} course led by a Certified Scrum "
        f"Trainer (CST), and keeps the credential alive by earning {seus} "
        f"Scrum Educational Units (SEUs) every {program.validity_months} months."
    )


def achievement(program):
    return {
        "id": absolute(reverse("vc_achievement", args=[program.code])),
        "type": ["Achievement"],
        "achievementType": "Certification",
        # The achievement's text is written once, in English, whatever the holder's or
        # the verifier's language (docs/decisions/0031-signed-credentials-in-one-language.md).
        "inLanguage": "en",
        "name": program.name,
        "description": (
            f"{program.name} ({program.code}), a certification of {program.issuing_body}, "
            f"valid for {program.validity_months} months and renewable."
        ),
        "criteria": {"narrative": criteria_narrative(program)},
        "image": {
            "id": absolute(reverse("vc_badge_image", args=[program.code])),
            "type": "Image",
            "caption": f"{program.code} badge",
        },
    }


def status_list_url(purpose, number):
    return absolute(reverse("vc_status_list", args=[purpose, number]))


def status_entry(purpose, index):
    from .status_list import location

    number, position = location(index)
    url = status_list_url(purpose, number)
    return {
        "id": f"{url}#{position}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(position),
        "statusListCredential": url,
    }


def signed_credential_url(signed):
    return absolute(
        reverse("vc_signed_credential", args=[signed.credential.certificate_number, signed.pk])
    )


def first_copy_pk(signed):
    """The first signed copy of `signed`'s credential: its address is the `id` every copy
    shares. Open Badges 3.0: the same issuer and `id` are the same credential, and the
    copy with the latest `validFrom` is its current version, so a wallet replaces the
    older copy instead of keeping two."""
    return signed.credential.signed_documents.order_by("pk").values_list("pk", flat=True).first()


def valid_from(signed, first_pk):
    """The first copy is valid from the award; a later one (after a renewal) from the
    moment it was signed, so it is the newer version of the same credential."""
    if signed.pk == first_pk:
        return f"{signed.valid_from.isoformat()}T00:00:00Z"
    return signed.created_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def subject_name(document):
    """The holder's name a signed credential states."""
    return document.get("credentialSubject", {}).get("name", "")


def open_badge_credential(signed):
    """The unsigned OpenBadgeCredential of `signed` (its credential, program and holder
    fetched). validUntil is the end of the expiry day: the credential is valid through it."""
    credential = signed.credential
    holder_name = display_name(credential.holder)
    if not holder_name:  # services.issue_signed_credential refuses before this
        raise ValueError("a signed credential names its holder")
    first_pk = first_copy_pk(signed)
    return {
        "@context": [CREDENTIALS_V2, OPEN_BADGES_V3],
        "id": absolute(
            reverse("vc_signed_credential", args=[credential.certificate_number, first_pk])
        ),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{credential.program.name} ({credential.program.code})",
        "issuer": issuer_profile(),
        "validFrom": valid_from(signed, first_pk),
        "validUntil": f"{signed.valid_until.isoformat()}T23:59:59Z",
        "awardedDate": f"{credential.issued_on.isoformat()}T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": holder_name,
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": holder_name,
                }
            ],
            "achievement": achievement(credential.program),
        },
        # One entry, as Open Badges 3.0's JSON Schema allows: revocation. A lapse needs
        # no bit of its own: it comes after the grace period that follows the expiry, so
        # every copy is past its validUntil by then (docs/decisions/0022).
        "credentialStatus": status_entry("revocation", signed.status_index),
    }


def status_list_credential(*, purpose, number, encoded_list, valid_from):
    url = status_list_url(purpose, number)
    return {
        "@context": [CREDENTIALS_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did(),
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encoded_list,
        },
    }
