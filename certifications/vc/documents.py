"""The unsigned JSON-LD documents: an OpenBadgeCredential for a credential, and a
BitstringStatusListCredential. Only the holder's name is personal data in them."""

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
    return {
        "@context": [CREDENTIALS_V2, OPEN_BADGES_V3],
        "id": signed_credential_url(signed),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{credential.program.name} ({credential.program.code})",
        "issuer": issuer_profile(),
        "validFrom": f"{signed.valid_from.isoformat()}T00:00:00Z",
        "validUntil": f"{signed.valid_until.isoformat()}T23:59:59Z",
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
        "credentialStatus": [
            status_entry("revocation", signed.status_index),
            status_entry("suspension", signed.status_index),
        ],
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
