"""Writes for the SEU log, and the rules an entry must satisfy (docs/domain.md, "SEUs").

Each rule raises a ValidationError keyed by the form field it concerns, so a form shows
the message beside that field. Writes lock the practitioner's row first: two requests
logging SEUs for the same day cannot both slip under the daily cap.
"""

from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certifications.dates import today_for
from certifications.models import Practitioner
from cspo_tracker.formats import day

from . import windows
from .evidence import checked_extension
from .models import SeuEntry
from .selectors import identical_entries, is_reserved
from .signals import seu_created

EDITABLE_FIELDS = ("earned_on", "category", "activity", "provider", "seus", "description")


def _number(value):
    return f"{Decimal(value).normalize():f}"


def validate_evidence(file):
    """Evidence is a PDF, PNG or JPEG of at most EVIDENCE_MAX_BYTES, judged by its whole
    content, not its name (seus/evidence.py). Returns the file extension matching it."""
    if file.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            {
                "evidence": _("The file is %(size)s; evidence may be at most %(most)s.")
                % {
                    "size": filesizeformat(file.size),
                    "most": filesizeformat(settings.EVIDENCE_MAX_BYTES),
                }
            }
        )
    return checked_extension(file)


def _validate(*, practitioner, earned_on, category, seus, entry=None):
    """Check every rule and raise all the messages at once, each keyed by its field."""
    others = SeuEntry.objects.filter(practitioner=practitioner)
    if entry is not None:
        others = others.exclude(pk=entry.pk)

    def that_day():
        return others.filter(earned_on=earned_on).aggregate(total=Sum("seus"))["total"] or 0

    def category_totals():
        for starts_on, ends_on in windows.provider().windows_containing(practitioner, earned_on):
            total = (
                others.unconsumed()
                .filter(category=category, earned_on__gte=starts_on, earned_on__lte=ends_on)
                .aggregate(total=Sum("seus"))["total"]
                or 0
            )
            yield ends_on, total

    errors = entry_errors(
        today=today_for(practitioner),
        earned_on=earned_on,
        category=category,
        seus=seus,
        that_day=that_day,
        category_totals=category_totals,
    )
    if errors:
        raise ValidationError(errors)


def entry_errors(*, today, earned_on, category, seus, that_day, category_totals):
    """The rules of an entry, as {field: message}: no future date, SEUs positive and in
    steps, the daily cap, the category cap per renewal window. The totals they need come
    from the caller, so one entry (queries) and an import (totals prefetched for the
    whole file, seus.imports) check the same rules: `that_day()` is the SEUs already
    logged that day, `category_totals()` yields (window end, unconsumed SEUs of the
    category in the window) for each window holding the date."""
    errors = {}
    if earned_on > today:
        errors["earned_on"] = _("The date cannot be in the future.")
    if seus <= 0:
        errors["seus"] = _("SEUs must be more than zero.")
    elif seus % settings.SEU_STEP:
        errors["seus"] = _("SEUs are counted in steps of %(step)s hours.") % {
            "step": _number(settings.SEU_STEP)
        }
    if "seus" not in errors:
        errors.update(_daily_cap_errors(that_day=that_day(), earned_on=earned_on, seus=seus))
    if "seus" not in errors and category.cap is not None:
        errors.update(_category_cap_errors(totals=category_totals(), category=category, seus=seus))
    return errors


def _daily_cap_errors(*, that_day, earned_on, seus):
    """At most SEU_DAILY_CAP SEUs per calendar day, summed over the day's entries."""
    cap = settings.SEU_DAILY_CAP
    if that_day + seus <= cap:
        return {}
    room = max(cap - that_day, Decimal(0))
    return {
        "seus": _(
            "At most %(cap)s SEUs count per day; you already logged "
            "%(logged)s on %(day)s, so %(room)s more fit."
        )
        % {
            "cap": _number(cap),
            "logged": _number(that_day),
            "day": day(earned_on),
            "room": _number(room),
        }
    }


def _category_cap_errors(*, totals, category, seus):
    """A capped category counts at most `cap` SEUs in a renewal window: refuse an entry
    that would take the unconsumed total of a window containing its date past the cap."""
    for ends_on, total in totals:
        if total + seus > category.cap:
            return {
                "seus": _(
                    "Category %(code)s counts at most %(cap)s SEUs per renewal window; "
                    "%(total)s are already logged in the window ending %(day)s."
                )
                % {
                    "code": category.code,
                    "cap": _number(category.cap),
                    "total": _number(total),
                    "day": day(ends_on),
                }
            }
    return {}


def _refuse_if_consumed(entry):
    if entry.is_consumed:
        raise ValidationError(
            _("This entry was used by a completed renewal and can no longer change.")
        )


def _refuse_if_reserved(entry):
    """A renewal in progress counted this entry: changing or deleting it could leave the
    renewal short once its fee is confirmed."""
    if is_reserved(entry):
        raise ValidationError(
            _(
                "This entry counts toward your renewal in progress, so it cannot change until "
                "staff complete or reject that renewal."
            )
        )


def _lock(practitioner):
    return Practitioner.objects.select_for_update().get(pk=practitioner.pk)


def original_name(uploaded, extension):
    """The uploaded file's own name, kept for downloads: no folders, no control
    characters, at most 255 characters, ending in the extension its content has."""
    name = PurePosixPath((uploaded or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable()).strip() or f"evidence.{extension}"
    stem, dot, suffix = name.rpartition(".")
    if not dot or suffix.lower() not in {extension, *EXTENSION_ALIASES.get(extension, ())}:
        stem = name
        suffix = extension
    stem = stem[: 255 - len(suffix) - 1]
    return f"{stem}.{suffix}"


EXTENSION_ALIASES = {"jpg": ("jpeg",), "jpeg": ("jpg",)}


def _attach_evidence(entry, evidence):
    extension = validate_evidence(evidence)
    entry.evidence_name = original_name(evidence.name, extension)
    evidence.name = f"evidence.{extension}"
    entry.evidence = evidence


DUPLICATE_MESSAGE = gettext_lazy(
    "You already logged %(activity)s on %(day)s for %(seus)s SEUs. Saving it again counts "
    'it twice: tick "Save it anyway" only if you really did it twice.'
)


def _refuse_duplicate(*, practitioner, earned_on, activity, seus, entry=None):
    """An identical entry (same date, activity and SEUs) is saved only when the caller
    says it is meant (`allow_duplicate`): the form asks with a "Save it anyway" box."""
    if identical_entries(
        practitioner, earned_on=earned_on, activity=activity, seus=seus, exclude=entry
    ).exists():
        raise ValidationError(
            {"save_anyway": duplicate_error(earned_on=earned_on, activity=activity, seus=seus)},
            code="duplicate",
        )


def duplicate_error(*, earned_on, activity, seus):
    """The message of an entry identical to one already logged."""
    return DUPLICATE_MESSAGE % {
        "activity": f"\u201c{activity}\u201d",
        "day": day(earned_on),
        "seus": _number(seus),
    }


@transaction.atomic
def create_seu_entry(
    *,
    practitioner,
    earned_on,
    category,
    activity,
    seus,
    provider="",
    description="",
    evidence=None,
    reported_by=None,
    provider_reference="",
    allow_duplicate=False,
):
    """Log an SEU entry after checking every rule; returns the entry. `reported_by` (an
    Organisation) and its `provider_reference` mark an entry an SEU provider reported.
    An entry identical to one already logged is refused unless `allow_duplicate`."""
    _lock(practitioner)
    if not allow_duplicate:  # first: "already logged" explains more than the daily cap
        _refuse_duplicate(
            practitioner=practitioner, earned_on=earned_on, activity=activity, seus=seus
        )
    _validate(practitioner=practitioner, earned_on=earned_on, category=category, seus=seus)
    entry = SeuEntry(
        practitioner=practitioner,
        earned_on=earned_on,
        category=category,
        activity=activity,
        provider=provider,
        seus=seus,
        description=description,
        reported_by=reported_by,
        provider_reference=provider_reference,
    )
    if evidence:
        _attach_evidence(entry, evidence)
    _full_clean_new(entry)
    entry.save()
    seu_created.send(sender=SeuEntry, entry=entry)
    return entry


DESCRIPTION_MOST = 2000  # the seu_entry_description_max_length constraint


def _full_clean_new(entry):
    """`full_clean` of a new entry whose practitioner row this transaction has locked.
    A person's own entry (no provider, no reference, a description within the limit)
    meets every constraint of SeuEntry by then (positive SEUs: `_validate`), and Django
    would ask the database for each in a savepoint of its own (nine statements), plus
    whether the locked practitioner exists: those checks are left out. Any other entry
    is checked in full."""
    if (
        entry.reported_by_id is None
        and entry.provider_reference == ""
        and len(entry.description) <= DESCRIPTION_MOST
        and entry.seus > 0
    ):
        entry.full_clean(exclude=["practitioner"], validate_constraints=False)
    else:
        entry.full_clean()


@transaction.atomic
def update_seu_entry(
    *, entry, evidence=None, remove_evidence=False, allow_duplicate=False, **changes
):
    """Change an entry that no renewal has used or counts now; `evidence` replaces the
    file, `remove_evidence` drops it."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    _lock(entry.practitioner)
    entry = SeuEntry.objects.select_for_update().select_related("practitioner").get(pk=entry.pk)
    _refuse_if_consumed(entry)
    _refuse_if_reserved(entry)
    for name, value in changes.items():
        setattr(entry, name, value)
    _validate(
        practitioner=entry.practitioner,
        earned_on=entry.earned_on,
        category=entry.category,
        seus=entry.seus,
        entry=entry,
    )
    if not allow_duplicate and {"earned_on", "activity", "seus"} & set(changes):
        _refuse_duplicate(
            practitioner=entry.practitioner,
            earned_on=entry.earned_on,
            activity=entry.activity,
            seus=entry.seus,
            entry=entry,
        )
    old_file = entry.evidence.name if entry.evidence else ""
    if evidence:
        _attach_evidence(entry, evidence)
    elif remove_evidence:
        entry.evidence = ""
        entry.evidence_name = ""
    entry.full_clean()
    entry.save()
    if old_file and old_file != entry.evidence.name:
        _delete_file_after_commit(old_file)
    return entry


@transaction.atomic
def delete_seu_entry(*, entry):
    """Delete an entry that no renewal has used or counts now and, once committed, its
    evidence file."""
    _lock(entry.practitioner)
    entry = SeuEntry.objects.select_for_update().get(pk=entry.pk)
    _refuse_if_consumed(entry)
    _refuse_if_reserved(entry)
    old_file = entry.evidence.name if entry.evidence else ""
    entry.delete()
    if old_file:
        _delete_file_after_commit(old_file)


def _delete_file_after_commit(name):
    storage = SeuEntry._meta.get_field("evidence").storage
    transaction.on_commit(lambda: storage.delete(name))
