"""Issuing credentials: the one place a credential is made, and its welcome email.

Issuing sends `credential_issued` (certifications.signals): the renewals app opens the
credential's first renewal cycle from it, in the same transaction. An import issues in
bulk (`issue_credentials_bulk`): the same number and expiry rules, one insert and one
`credentials_issued` per batch.
"""

import re
import secrets
from dataclasses import dataclass
from itertools import batched

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from cspo_tracker import bulk
from cspo_tracker.outbox import services as outbox

from ..models import Credential
from ..signals import credential_issued, credentials_issued

BATCH_SIZE = bulk.BATCH_SIZE  # rows per insert in bulk writes (imports)


def new_certificate_number(program):
    """A certificate number that cannot be guessed from its neighbours:
    the program code and 40 random bits, e.g. CSPO-7F3A9C21B4."""
    prefix = re.sub(r"[^A-Z0-9]", "", program.code.upper()) or "CERT"
    return f"{prefix}-{secrets.token_hex(5).upper()}"


@transaction.atomic
def issue_credential(
    *, holder, program, issued_on, course=None, certificate_number=None, expires_on=None
):
    """Issue `program` to `holder`, valid for the program's validity from `issued_on`.
    Receivers of `credential_issued` run in this transaction (its renewal cycle opens)."""
    expires_on = expiry(program, issued_on, expires_on)
    for _attempt in range(5):
        number = certificate_number or new_certificate_number(program)
        try:
            with transaction.atomic():
                credential = Credential.objects.create(
                    holder=holder,
                    program=program,
                    certificate_number=number,
                    issued_on=issued_on,
                    expires_on=expires_on,
                    course=course,
                )
            break
        except IntegrityError:
            if certificate_number or not _number_taken(number):
                raise
    else:  # pragma: no cover - 5 collisions in 2**40 numbers
        raise RuntimeError("Could not draw a free certificate number.")
    credential_issued.send(sender=Credential, credential=credential)
    return credential


@transaction.atomic
def issue_course_credentials(*, holders, course, issued_on):
    """Issue the course's program to each of `holders` in a fixed number of queries (a
    closing course): numbers drawn as an import draws them (`_numbers_for`), one insert,
    then `credentials_issued` opens their cycles together."""
    program = course.program
    expires_on = expiry(program, issued_on)
    items = [
        ToIssue(holder_id=holder.pk, program=program, issued_on=issued_on, course_id=course.pk)
        for holder in holders
    ]
    rows = [
        Credential(
            holder=holder,
            program=program,
            certificate_number=number,
            issued_on=issued_on,
            expires_on=expires_on,
            course=course,
        )
        for holder, number in zip(holders, _numbers_for(items), strict=True)
    ]
    credentials = bulk.create_audited(rows)
    if credentials:
        credentials_issued.send(sender=Credential, credentials=credentials)
    return credentials


def expiry(program, issued_on, expires_on=None):
    """The expiry a credential is issued with: the one given, else the program's validity
    from the issue date."""
    return expires_on or program.expiry_for(issued_on)


@dataclass(frozen=True)
class ToIssue:
    """One credential of a bulk issue: `certificate_number` None draws a new one."""

    holder_id: int
    program: object
    issued_on: object
    expires_on: object = None
    certificate_number: str | None = None
    course_id: int | None = None


@dataclass(frozen=True)
class Issued:
    """A credential issued in bulk, as `credentials_issued` hands it to its receivers."""

    pk: int
    holder_id: int
    program: object
    certificate_number: str
    issued_on: object
    expires_on: object


ISSUED_FIELDS = (
    "holder_id",
    "program_id",
    "certificate_number",
    "issued_on",
    "expires_on",
    "course_id",
)


@transaction.atomic
def issue_credentials_bulk(*, items, batch_size=BATCH_SIZE, progress=None):
    """Issue many credentials (an import) with the rules of `issue_credential`: the
    expiry from `expiry`, drawn numbers from `new_certificate_number` (redrawn when taken).
    Each batch is one insert (cspo_tracker.bulk) followed by
    `credentials_issued(credentials=[Issued, ...])`, whose receivers run in this
    transaction (renewals opens the first cycles in bulk). `progress(n)` is called with
    the number issued so far. Returns how many were issued."""
    issued = 0
    for batch in batched(items, batch_size):
        numbers = _numbers_for(batch)
        rows = [
            (
                item.holder_id,
                item.program.pk,
                number,
                item.issued_on,
                expiry(item.program, item.issued_on, item.expires_on),
                item.course_id,
            )
            for item, number in zip(batch, numbers, strict=True)
        ]
        ids = bulk.insert_rows(Credential, ISSUED_FIELDS, rows, returning_ids=True)
        credentials = [
            Issued(pk, row[0], item.program, row[2], row[3], row[4])
            for pk, row, item in zip(ids, rows, batch, strict=True)
        ]
        credentials_issued.send(sender=Credential, credentials=credentials)
        issued += len(credentials)
        if progress:
            progress(issued)
    return issued


def _numbers_for(batch):
    """Each item's number: its own, else a fresh one free in the table and the batch."""
    numbers = [item.certificate_number for item in batch]
    used = set(filter(None, numbers))
    missing = [i for i, number in enumerate(numbers) if not number]
    while missing:
        for i in missing:
            numbers[i] = new_certificate_number(batch[i].program)
        taken = set(
            Credential.objects.filter(
                certificate_number__in=[numbers[i] for i in missing]
            ).values_list("certificate_number", flat=True)
        )
        retry = []
        for i in missing:
            if numbers[i] in taken or numbers[i] in used:
                retry.append(i)
            else:
                used.add(numbers[i])
        missing = retry
    return numbers


def _number_taken(number):
    return Credential.objects.filter(certificate_number=number).exists()


def verification_url(credential):
    return settings.SITE_URL + reverse("verify_credential", args=[credential.certificate_number])


def enqueue_welcome_emails(credentials):
    """The welcome emails of credentials issued together, their holder (with user),
    program and course (with trainer) already loaded: one per credential (outbox key)."""
    return outbox.enqueue_many(
        [
            (
                "welcome",
                {
                    "credential": credential,
                    "holder": credential.holder,
                    "verify_url": verification_url(credential),
                },
                credential.holder.user.email,
                f"welcome:credential:{credential.pk}",
            )
            for credential in credentials
        ]
    )
