"""Checking a credential JSON someone pasted or uploaded: signature, issuer, dates and
live status, said in plain words. Bad input gives a clear problem, never an error page."""

import datetime
import json
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext

from cspo_tracker.time_limit import TimeLimitExceeded, time_limit

from .badge import PNG_SIGNATURE, BakedBadgeError, baked_credential_text
from .did import issuer_did
from .documents import absolute
from .signing import check_proof
from .status_list import bit_is_set, decode

# A credential this site signs is about 4 KB of JSON with some 60 values, at most 5
# levels deep and 5 nodes without an id (blank nodes). Canonicalization costs grow
# with the number of nodes, and fast with blank nodes that look alike, so what an
# anonymous visitor may send is bounded well above a genuine credential, and checked
# before any canonicalization: a few milliseconds of work at most.
MAX_BYTES = 512 * 1024  # an upload: a baked badge PNG carries the image too
MAX_JSON_BYTES = 64 * 1024
MAX_DEPTH = 16
MAX_VALUES = 2000
MAX_BLANK_NODES = 32
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


class UnreadableCredential(ValueError):
    """The text is not a credential JSON object; the message says why, in plain words."""


def _depth_of_text(text):
    """How deep the brackets of a JSON text nest, without parsing it (the parser
    recurses, and a deep enough text would exhaust Python's stack)."""
    depth = deepest = 0
    for character in _STRING.sub("", text):
        if character in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif character in "]}":
            depth -= 1
    return deepest


def _check_bounds(document):
    """UnreadableCredential when `document` is larger than any credential could be."""
    values, blank_nodes = 0, 0
    pending = [document]
    while pending:
        value = pending.pop()
        values += 1
        if values > MAX_VALUES:
            raise UnreadableCredential(
                gettext("This is not a credential of this site: it has more than %(max)s values.")
                % {"max": MAX_VALUES}
            )
        if isinstance(value, dict):
            if "id" not in value and "@id" not in value and "@value" not in value:
                blank_nodes += 1
                if blank_nodes > MAX_BLANK_NODES:
                    raise UnreadableCredential(
                        gettext(
                            "This is not a credential of this site: it has more than "
                            "%(max)s objects without an id."
                        )
                        % {"max": MAX_BLANK_NODES}
                    )
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)


def _text_of_upload(data):
    """The credential text of an uploaded file: a JSON file, or a badge PNG with the
    credential baked in."""
    if len(data) > MAX_BYTES:
        raise UnreadableCredential(gettext("The file is larger than a credential can be (512 KB)."))
    if data.startswith(PNG_SIGNATURE):
        try:
            text = baked_credential_text(data)
        except BakedBadgeError as error:
            raise UnreadableCredential(str(error)) from None
        if text is None:
            raise UnreadableCredential(gettext("This badge image has no credential baked in."))
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableCredential(
            gettext("The file is neither credential JSON nor a badge image (PNG) from this site.")
        ) from None


def parse_credential(text):
    if isinstance(text, bytes):
        text = _text_of_upload(text)
    text = (text or "").strip()
    if not text:
        raise UnreadableCredential(gettext("Paste the credential JSON or choose its file."))
    if len(text) > MAX_JSON_BYTES:
        raise UnreadableCredential(gettext("The text is larger than a credential can be (64 KB)."))
    if _depth_of_text(text) > MAX_DEPTH:
        raise UnreadableCredential(
            gettext("This is not a credential of this site: it nests deeper than %(max)s levels.")
            % {"max": MAX_DEPTH}
        )
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise UnreadableCredential(
            gettext("This is not valid JSON (line %(line)s, column %(column)s).")
            % {"line": getattr(error, "lineno", "?"), "column": getattr(error, "colno", "?")}
        ) from None
    if not isinstance(document, dict):
        raise UnreadableCredential(
            gettext("This JSON is not a credential: it must be a JSON object.")
        )
    _check_bounds(document)
    return document


def _datetime(value):
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


@dataclass
class Report:
    signature_valid: bool
    problem: str = ""
    issuer_name: str = ""
    issuer_id: str = ""
    holder_name: str = ""
    achievement_name: str = ""
    criteria: str = ""
    valid_from: datetime.datetime | None = None
    valid_until: datetime.datetime | None = None
    expired: bool = False
    not_yet_valid: bool = False
    revoked: bool = False
    suspended: bool = False
    status_problems: list = field(default_factory=list)
    renewed_until: datetime.date | None = None

    @property
    def verdict(self):
        """One word for the whole answer."""
        if not self.signature_valid:
            return "invalid"
        if self.revoked:
            return "revoked"
        if self.suspended:
            return "suspended"
        if self.expired:
            return "expired"
        if self.not_yet_valid or self.status_problems:
            return "not valid"
        return "valid"

    def as_json(self):
        return {
            "verdict": self.verdict,
            "signatureValid": self.signature_valid,
            "problem": self.problem,
            "issuer": {"id": self.issuer_id, "name": self.issuer_name},
            "holderName": self.holder_name,
            "achievement": self.achievement_name,
            "criteria": self.criteria,
            "validFrom": self.valid_from.isoformat() if self.valid_from else None,
            "validUntil": self.valid_until.isoformat() if self.valid_until else None,
            "expired": self.expired,
            "revoked": self.revoked,
            "suspended": self.suspended,
            "statusProblems": self.status_problems,
            "renewedUntil": self.renewed_until.isoformat() if self.renewed_until else None,
        }


def _status_bit(entry):
    """Whether the bit of one of our BitstringStatusListEntry items is set, read from the
    status list as currently signed."""
    from .services import refresh_status_list

    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        raise ValueError(gettext("A status entry is not a BitstringStatusListEntry."))
    url = entry.get("statusListCredential")
    if not isinstance(url, str) or not url.startswith(absolute("/")):
        raise ValueError(gettext("A status list is not one of this site's."))
    try:
        match = resolve(url[len(absolute("")) :])
    except Resolver404:
        raise ValueError(gettext("A status list is not one of this site's.")) from None
    if match.url_name != "vc_status_list" or match.kwargs["purpose"] != entry.get("statusPurpose"):
        raise ValueError(gettext("A status entry does not match its list."))
    try:
        position = int(entry.get("statusListIndex"))
    except (TypeError, ValueError):
        raise ValueError(gettext("A status index is not a number.")) from None
    listed = refresh_status_list(purpose=match.kwargs["purpose"], number=match.kwargs["number"])
    return bit_is_set(decode(listed.encoded_list), position)


def _renewed_until(credential_id, valid_until):
    """The current expiry of the credential an expired copy is a version of, when a
    renewal moved it past this copy's validUntil (and it is not revoked), else None:
    an older copy shows the credential's current state, not only its own dates."""
    from ..models import Credential

    if not isinstance(credential_id, str) or not credential_id.startswith(absolute("/")):
        return None
    try:
        match = resolve(credential_id[len(absolute("")) :])
    except Resolver404:
        return None
    if match.url_name != "vc_signed_credential":
        return None
    expires_on = (
        Credential.objects.filter(
            certificate_number=match.kwargs["certificate_number"], revoked_at__isnull=True
        )
        .values_list("expires_on", flat=True)
        .first()
    )
    return expires_on if expires_on and expires_on > valid_until.date() else None


def verify_document(document, *, now=None):
    """A report on `document` (a parsed JSON object)."""
    now = now or timezone.now()
    proof = check_proof(document)
    report = Report(signature_valid=proof.valid, problem=proof.problem)
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        report.issuer_id = str(issuer.get("id", ""))
        report.issuer_name = str(issuer.get("name", ""))
    elif isinstance(issuer, str):
        report.issuer_id = issuer
    subject = document.get("credentialSubject")
    if isinstance(subject, dict):
        report.holder_name = str(subject.get("name", ""))
        achievement = subject.get("achievement")
        if isinstance(achievement, dict):
            report.achievement_name = str(achievement.get("name", ""))
            criteria = achievement.get("criteria")
            if isinstance(criteria, dict):
                report.criteria = str(criteria.get("narrative", ""))
    if not proof.valid:
        return report  # nothing else in an unsigned or altered document can be trusted
    if report.issuer_id != issuer_did():
        report.signature_valid, report.problem = (
            False,
            gettext("The issuer is not this site's issuer."),
        )
        return report
    report.valid_from = _datetime(document.get("validFrom"))
    report.valid_until = _datetime(document.get("validUntil"))
    report.not_yet_valid = bool(report.valid_from and now < report.valid_from)
    report.expired = bool(report.valid_until and now > report.valid_until)
    if report.expired:
        report.renewed_until = _renewed_until(document.get("id"), report.valid_until)
    entries = document.get("credentialStatus") or []
    if isinstance(entries, dict):
        entries = [entries]
    for entry in entries if isinstance(entries, list) else [entries]:
        try:
            if _status_bit(entry):
                if entry["statusPurpose"] == "revocation":
                    report.revoked = True
                else:
                    report.suspended = True
        except ValueError as error:
            report.status_problems.append(str(error))
    return report


def check_credential(raw, *, now=None):
    """The report on a pasted text or uploaded file (bytes): parsed within the bounds
    above, then verified within VERIFY_TIME_LIMIT_SECONDS. UnreadableCredential says
    in plain words why it was refused."""
    document = parse_credential(raw)
    seconds = settings.VERIFY_TIME_LIMIT_SECONDS
    try:
        with time_limit(seconds):
            return verify_document(document, now=now)
    except TimeLimitExceeded:
        raise UnreadableCredential(
            gettext(
                "This credential took longer than %(seconds)s s to check; one issued by this "
                "site takes a fraction of that."
            )
            % {"seconds": f"{seconds:g}"}
        ) from None
