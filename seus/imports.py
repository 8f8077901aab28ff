"""Importing SEU entries from a spreadsheet (the `import_seus` command and the staff
upload page). Each row is checked by the SEU log's own rules (seus.services.entry_errors),
so they are not written a second time; the totals those rules need are read for the
whole file in a few set queries, and the new entries are written in bulk."""

from collections import Counter, defaultdict
from decimal import Decimal, InvalidOperation
from itertools import batched

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from certifications.dates import today_in
from certifications.imports.services import (
    ImportRefused,
    ImportResult,
    cell_problems,
    clean_email,
    lookup_in_chunks,
    no_progress,
    parse_date,
    read_csv,
    report_every,
)
from certifications.issuing.services import BATCH_SIZE
from certifications.models import Practitioner, User
from cspo_tracker import bulk

from . import windows
from .models import SeuCategory, SeuEntry
from .services import entry_errors

SEU_COLUMNS = ("email", "earned_on", "category", "seus", "activity")
# The columns of a new entry (bulk insert).
NEW_FIELDS = ("practitioner_id", "earned_on", "category_id", "activity", "seus")
CLEANED = ("earned_on", "activity", "seus")  # checked per row as full_clean() would


class _Totals:
    """What the rules count, for every practitioner in the file, read once: the SEUs
    logged per day, the unconsumed SEUs of capped categories, the current windows. Rows
    accepted earlier in the file are added as they are accepted, as when they were
    created one by one."""

    def __init__(self, practitioner_ids, capped):
        self.days = defaultdict(Decimal)
        self.capped = defaultdict(list)  # (practitioner, category) -> [(earned_on, seus)]
        self.identical = Counter()  # stored entries a row of the file may match
        rows = lookup_in_chunks(
            lambda chunk: SeuEntry.objects.filter(practitioner_id__in=chunk).values_list(
                "practitioner_id", "earned_on", "category_id", "activity", "seus", "consumed_by"
            ),
            practitioner_ids,
        )
        for pid, earned_on, category_id, activity, seus, consumed_by in rows:
            self.identical[(pid, earned_on, category_id, activity, seus)] += 1
            self.days[(pid, earned_on)] += seus
            if category_id in capped and consumed_by is None:
                self.capped[(pid, category_id)].append((earned_on, seus))
        self.windows = {}
        if capped:
            for chunk in batched(practitioner_ids, BATCH_SIZE):
                self.windows.update(windows.provider().windows_of(chunk))

    def errors(self, pid, *, today, earned_on, category, seus):
        """The SEU log's rules for one new entry of practitioner `pid`."""
        return entry_errors(
            today=today,
            earned_on=earned_on,
            category=category,
            seus=seus,
            that_day=lambda: self.days[(pid, earned_on)],
            category_totals=lambda: self.category_totals(pid, category, earned_on),
        )

    def category_totals(self, pid, category, day):
        for starts_on, ends_on in self.windows.get(pid, []):
            if starts_on <= day <= ends_on:
                entries = self.capped[(pid, category.pk)]
                yield ends_on, sum((s for d, s in entries if starts_on <= d <= ends_on), 0)

    def add(self, pid, category, day, seus):
        self.days[(pid, day)] += seus
        if category.cap is not None:
            self.capped[(pid, category.pk)].append((day, seus))


def _field_problems(*values):
    """The messages full_clean() gives for these values (the model fields' validators:
    date range, length, digits), without building a model instance per row."""
    problems = []
    for name, value in zip(CLEANED, values, strict=True):
        try:
            SeuEntry._meta.get_field(name).clean(value, None)
        except ValidationError as exc:
            problems.extend(exc.messages)
    return problems


@transaction.atomic
def import_seus(*, text, dry_run=False, progress=no_progress):
    """Import SEU entries from CSV text (header `email,earned_on,category,seus,activity`;
    `category` is a code A-F). The practitioner must exist. Each new row is checked by
    the SEU log's rules (no future dates, quarter steps, the daily cap counting stored
    entries and earlier rows, category caps), as seus.services.create_seu_entry checks
    one entry. A row identical to a stored entry (same person, date, category, activity
    and SEUs) is unchanged; each stored entry answers for one row only, so two identical
    rows (two podcasts of one hour on one day) are two entries, and re-importing the file
    changes nothing. Any bad row refuses the whole file."""
    rows = read_csv(text, SEU_COLUMNS)
    categories = {c.code.upper(): c for c in SeuCategory.objects.all()}
    emails = {
        User.objects.normalize_email(row["email"]).lower()
        for _line, row in rows
        if not cell_problems({"email": row["email"]}, lengths={})  # no NUL to the database
    }
    practitioners = {
        email: (pk, time_zone)
        for email, pk, time_zone in lookup_in_chunks(
            lambda chunk: Practitioner.objects.filter(user__email__in=chunk).values_list(
                "user__email", "pk", "time_zone"
            ),
            emails,
        )
    }
    del emails
    ids = sorted(pk for pk, _zone in practitioners.values())
    for chunk in batched(ids, BATCH_SIZE):  # as create_seu_entry: no concurrent entry slips in
        list(Practitioner.objects.select_for_update().filter(pk__in=chunk).values_list("pk"))
    totals = _Totals(ids, capped={c.pk for c in categories.values() if c.cap is not None})
    today = {}  # per time zone: each practitioner's "today" is in their zone
    activity_max = SeuEntry._meta.get_field("activity").max_length
    errors, new = [], []
    for line, row in report_every(rows, progress, "checking"):
        problems = cell_problems(row, lengths={"activity": activity_max})
        email = clean_email(row["email"], problems)
        practitioner = practitioners.get(email) if email else None
        if email and practitioner is None:
            problems.append(
                _("no practitioner with email %(email)s (import credentials first)")
                % {"email": email}
            )
        earned_on = parse_date(row["earned_on"], "earned_on", problems)
        category = categories.get(row["category"].upper())
        if category is None:
            problems.append(
                _("unknown category '%(category)s' (codes: %(codes)s)")
                % {"category": row["category"], "codes": ", ".join(categories)}
            )
        try:
            seus = Decimal(row["seus"]).quantize(Decimal("0.01"))
            if not seus.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            problems.append(_("seus '%(seus)s' must be a number") % {"seus": row["seus"]})
        activity = row["activity"]
        if not activity:
            problems.append(_("activity is empty"))
        if not problems:
            pid, time_zone = practitioner
            key = (pid, earned_on, category.pk, activity, seus)
            if totals.identical[key]:
                totals.identical[key] -= 1
                continue
            # The log's "already logged" warning is not asked here: the file decides
            # (as create_seu_entry(allow_duplicate=True)); stored rows matched above.
            if time_zone not in today:
                today[time_zone] = today_in(time_zone)
            rule_errors = totals.errors(
                pid, today=today[time_zone], earned_on=earned_on, category=category, seus=seus
            )
            problems.extend(ValidationError(rule_errors).messages if rule_errors else [])
            if not problems:
                problems.extend(_field_problems(earned_on, activity, seus))
                if not problems:
                    totals.add(pid, category, earned_on, seus)
                    new.append(key)  # the NEW_FIELDS of the entry
        if problems:
            errors.append((line, "; ".join(problems)))
    if errors:
        raise ImportRefused(errors)
    unchanged = len(rows) - len(new)
    del rows, totals, practitioners
    written = 0
    for batch in batched(new, BATCH_SIZE):
        bulk.insert_rows(SeuEntry, NEW_FIELDS, batch)
        written += len(batch)
        progress("writing", written, len(new))
    if dry_run:
        transaction.set_rollback(True)
    else:
        bulk.refresh_statistics(SeuEntry, rows=written)
    return ImportResult(created=written, unchanged=unchanged, dry_run=dry_run)
