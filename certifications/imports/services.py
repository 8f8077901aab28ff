"""Imports from spreadsheets: one code path for the commands and the staff upload pages.

A bad file is refused whole (ImportRefused lists each bad line) and nothing is written.
The SEU import builds on these helpers in seus.imports.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from itertools import batched

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cspo_tracker import bulk

from ..dates import LATEST_DATE, validate_sane_date
from ..issuing.services import BATCH_SIZE, ToIssue, expiry, issue_credentials_bulk
from ..models import CERTIFICATE_NUMBER_PATTERN, Credential, Practitioner, Program, User
from ..services import get_or_create_practitioners


class ImportRefused(Exception):
    """A file with bad rows is refused whole; `errors` lists (line number, problem)."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(
            "\n".join(
                _("line %(line)s: %(problem)s") % {"line": line, "problem": problem}
                for line, problem in errors
            )
        )


@dataclass(frozen=True)
class ImportResult:
    created: int
    unchanged: int
    dry_run: bool

    def summary(self):
        counts = {"created": self.created, "unchanged": self.unchanged}
        if self.dry_run:
            return (
                _("Dry run, nothing written: would create %(created)s, unchanged %(unchanged)s.")
                % counts
            )
        return _("Created %(created)s, unchanged %(unchanged)s.") % counts


CREDENTIAL_COLUMNS = (
    "email",
    "first_name",
    "last_name",
    "program",
    "certificate_number",
    "issued_on",
)


def read_csv(text, required):
    """Rows of a CSV text as (line number, dict); a missing column refuses the file."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    rows = []
    try:
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [name for name in required if name not in header]
        if missing:
            columns = ", ".join(missing)
            message = ngettext(
                "missing column: %(columns)s", "missing columns: %(columns)s", len(missing)
            ) % {"columns": columns}
            raise ImportRefused([(1, message)])
        reader.fieldnames = header
        for row in reader:
            values = {k: (v or "").strip() for k, v in row.items() if k is not None}
            if any(values.values()):
                rows.append((reader.line_num, values))
    except csv.Error as error:
        raise ImportRefused(
            [(reader.line_num or 1, _("not a readable CSV line: %(error)s") % {"error": error})]
        ) from None
    if not rows:
        raise ImportRefused([(1, _("the file has no rows"))])
    return rows


def parse_date(value, name, problems):
    """An ISO date within the sane range (certifications.dates), or None with a problem."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        problems.append(
            _("%(column)s '%(value)s' is not an ISO date (YYYY-MM-DD)")
            % {"column": name, "value": value}
        )
        return None
    try:
        validate_sane_date(day)
    except ValidationError as error:
        problems.append(
            _("%(column)s %(value)s: %(problem)s")
            % {"column": name, "value": value, "problem": error.messages[0]}
        )

        return None
    return day


CONTROL_CHARACTER = re.compile("[\x00-\x1f\x7f]")


def cell_problems(row, *, lengths):
    """Problems no database should see: control characters (a NUL byte, a line break
    inside a quoted cell) in any cell, and cells longer than their column allows."""
    # Translators: %(column)s is a column name of the CSV file (email, first_name, ...).
    problems = [
        _("%(column)s contains a control character") % {"column": name}
        for name, value in row.items()
        if CONTROL_CHARACTER.search(value)
    ]
    problems += [
        _("%(column)s is longer than %(max)s characters") % {"column": name, "max": limit}
        for name, limit in lengths.items()
        if len(row.get(name, "")) > limit
    ]
    return problems


def clean_email(value, problems):
    try:
        validate_email(value)
    except ValidationError:
        problems.append(_("email '%(value)s' is not a valid address") % {"value": value})
        return None
    return User.objects.normalize_email(value).lower()


def no_progress(stage, done, total):
    """The default progress callback: `stage` is "checking" or "writing"."""


def report_every(rows, progress, stage):
    """Yield `rows`, calling progress(stage, done, total) at every 5 % (at most every
    1,000 rows) and at the end."""
    total = len(rows)
    step = min(1000, max(1, total // 20))
    for done, row in enumerate(rows, 1):
        yield row
        if done % step == 0 or done == total:
            progress(stage, done, total)


def lookup_in_chunks(queryset_for, values, *, size=BATCH_SIZE):
    """Rows of `queryset_for(chunk)` for each chunk of `values`: a few set queries, each
    with a bounded IN list (SQLite caps the number of parameters)."""
    values = list(values)
    for chunk in batched(values, size):
        yield from queryset_for(chunk)


@transaction.atomic
def import_credentials(*, text, dry_run=False, progress=no_progress):
    """Import credentials from CSV text (header `email,first_name,last_name,program,
    certificate_number,issued_on` and optional `expires_on`). Practitioners are created
    as needed; each credential opens its renewal cycle; a missing expiry is computed from
    the program. A row whose certificate number is already stored with the same holder,
    program and issue date is unchanged, so re-importing a file changes nothing; a stored
    expiry later than the file's is a renewal since the first import, not a conflict.
    Any bad row refuses the whole file (ImportRefused) and nothing is written.

    The whole file is checked first against lookups made in a few set queries; the new
    rows are then written in bulk (certifications.issuing.services.issue_credentials_bulk), so the
    number of queries does not grow with the rows but with the batches."""
    rows = read_csv(text, CREDENTIAL_COLUMNS)
    for _line, row in rows:  # numbers are stored in capitals: cspo-123 is CSPO-123
        row["certificate_number"] = row["certificate_number"].upper()
    programs = {p.code.upper(): p for p in Program.objects.all()}
    # Only well-formed numbers are looked up (a NUL byte cannot even be sent to PostgreSQL);
    # the others are refused with their line below.
    numbers = {
        row["certificate_number"]
        for _line, row in rows
        if re.fullmatch(CERTIFICATE_NUMBER_PATTERN, row["certificate_number"])
    }
    lengths = {
        "first_name": User._meta.get_field("first_name").max_length,
        "last_name": User._meta.get_field("last_name").max_length,
        "certificate_number": Credential._meta.get_field("certificate_number").max_length,
    }
    # number -> (holder's email, program id, issued on, expires on)
    stored = {
        number: rest
        for number, *rest in lookup_in_chunks(
            lambda chunk: Credential.objects.filter(certificate_number__in=chunk).values_list(
                "certificate_number", "holder__user__email", "program_id", "issued_on", "expires_on"
            ),
            numbers,
        )
    }
    del numbers
    errors, plan, seen = [], [], {}
    for line, row in report_every(rows, progress, "checking"):
        problems = cell_problems(row, lengths=lengths)
        email = clean_email(row["email"], problems)
        program = programs.get(row["program"].upper())
        if program is None:
            problems.append(_("unknown program '%(code)s'") % {"code": row["program"]})
        number = row["certificate_number"]
        if not number:
            problems.append(_("certificate_number is empty"))
        elif not problems and not re.fullmatch(CERTIFICATE_NUMBER_PATTERN, number):
            problems.append(
                _("certificate_number %(number)s may hold only capital letters, digits and hyphens")
                % {"number": number}
            )
        elif number in seen:
            problems.append(
                _("certificate_number %(number)s repeats line %(line)s")
                % {"number": number, "line": seen[number]}
            )
        seen.setdefault(number, line)
        issued_on = parse_date(row["issued_on"], "issued_on", problems)
        expires_on = None
        if row.get("expires_on"):
            expires_on = parse_date(row["expires_on"], "expires_on", problems)
        elif program and issued_on:
            expires_on = expiry(program, issued_on)
            if expires_on > LATEST_DATE:
                problems.append(
                    _("issued_on %(day)s: the expiry would pass %(last)s")
                    % {"day": issued_on, "last": LATEST_DATE}
                )
                expires_on = None
        if issued_on and expires_on and expires_on <= issued_on:
            problems.append(_("expires_on must be after issued_on"))
        existing = stored.get(number)
        if existing and not problems:
            holder_email, program_id, stored_issued_on, stored_expires_on = existing
            same = (
                holder_email == email and program_id == program.pk and stored_issued_on == issued_on
            )
            if not same:
                problems.append(
                    _(
                        "certificate_number %(number)s is already stored for another holder, "
                        "program or issue date"
                    )
                    % {"number": number}
                )
            elif stored_expires_on < expires_on:
                problems.append(
                    _(
                        "certificate_number %(number)s is stored expiring on "
                        "%(stored)s, before the file's %(expires)s"
                    )
                    % {
                        "number": number,
                        "stored": f"{stored_expires_on:%Y-%m-%d}",
                        "expires": f"{expires_on:%Y-%m-%d}",
                    }
                )
        if problems:
            errors.append((line, "; ".join(problems)))
        elif not existing:
            plan.append(
                (email, row["first_name"], row["last_name"], program, number, issued_on, expires_on)
            )
    if errors:
        raise ImportRefused(errors)
    unchanged = len(rows) - len(plan)
    del rows, stored, seen
    people = {}
    for email, first_name, last_name, *_rest in plan:
        people.setdefault(email, (first_name, last_name))
    holders = get_or_create_practitioners(people=people)
    del people
    total = len(plan)
    created = issue_credentials_bulk(
        items=(
            ToIssue(
                holder_id=holders[email],
                program=program,
                issued_on=issued_on,
                expires_on=expires_on,
                certificate_number=number,
            )
            for email, _first, _last, program, number, issued_on, expires_on in plan
        ),
        progress=lambda done: progress("writing", done, total),
    )
    if dry_run:
        transaction.set_rollback(True)
    else:
        bulk.refresh_statistics(User, Practitioner, Credential, rows=created)
    return ImportResult(created=created, unchanged=unchanged, dry_run=dry_run)
