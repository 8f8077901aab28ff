"""Importing SEU entries from a spreadsheet (the `import_seus` command and the staff
upload page): each row goes through the SEU log's own create_seu_entry, so its rules are
not written a second time."""

from collections import Counter
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from certifications.imports import (
    ImportRefused,
    ImportResult,
    cell_problems,
    clean_email,
    parse_date,
    read_csv,
)
from certifications.models import Practitioner, User

from .models import SeuCategory, SeuEntry
from .services import create_seu_entry

SEU_COLUMNS = ("email", "earned_on", "category", "seus", "activity")


@transaction.atomic
def import_seus(*, text, dry_run=False):
    """Import SEU entries from CSV text (header `email,earned_on,category,seus,activity`;
    `category` is a code A-F). The practitioner must exist. Each new row goes through
    seus.services.create_seu_entry, so the log's rules (no future dates, quarter steps,
    the daily cap counting stored entries and earlier rows, category caps) apply
    unchanged. A row identical to a stored entry (same person, date, category, activity
    and SEUs) is unchanged; each stored entry answers for one row only, so two identical
    rows (two podcasts of one hour on one day) are two entries, and re-importing the file
    changes nothing. Any bad row refuses the whole file."""
    rows = read_csv(text, SEU_COLUMNS)
    categories = {c.code.upper(): c for c in SeuCategory.objects.all()}
    emails = {
        User.objects.normalize_email(row["email"]).lower()
        for _, row in rows
        if not cell_problems({"email": row["email"]}, lengths={})  # no NUL to the database
    }
    practitioners = {
        p.user.email: p
        for p in Practitioner.objects.filter(user__email__in=emails).select_related("user")
    }
    stored = Counter(
        SeuEntry.objects.filter(practitioner__in=practitioners.values()).values_list(
            "practitioner_id", "earned_on", "category_id", "activity", "seus"
        )
    )
    activity_max = SeuEntry._meta.get_field("activity").max_length
    errors = []
    created = unchanged = 0
    for line, row in rows:
        problems = cell_problems(row, lengths={"activity": activity_max})
        email = clean_email(row["email"], problems)
        practitioner = practitioners.get(email) if email else None
        if email and practitioner is None:
            problems.append(f"no practitioner with email {email} (import credentials first)")
        earned_on = parse_date(row["earned_on"], "earned_on", problems)
        category = categories.get(row["category"].upper())
        if category is None:
            problems.append(
                f"unknown category '{row['category']}' (codes: {', '.join(categories)})"
            )
        try:
            seus = Decimal(row["seus"]).quantize(Decimal("0.01"))
            if not seus.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            problems.append(f"seus '{row['seus']}' must be a number")
        activity = row["activity"]
        if not activity:
            problems.append("activity is empty")
        if not problems:
            key = (practitioner.pk, earned_on, category.pk, activity, seus)
            if stored[key]:
                stored[key] -= 1
                unchanged += 1
                continue
            try:
                create_seu_entry(
                    practitioner=practitioner,
                    earned_on=earned_on,
                    category=category,
                    activity=activity,
                    seus=seus,
                    # The file decides: identical rows are separate entries, and rows
                    # already stored were matched (and skipped) just above.
                    allow_duplicate=True,
                )
            except ValidationError as exc:
                problems.extend(exc.messages)
            else:
                created += 1
        if problems:
            errors.append((line, "; ".join(problems)))
    if errors:
        raise ImportRefused(errors)
    if dry_run:
        transaction.set_rollback(True)
    return ImportResult(created=created, unchanged=unchanged, dry_run=dry_run)
