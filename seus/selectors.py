"""Reads for the SEU log: a practitioner's entries, their renewal windows and totals,
each in a fixed number of queries whatever the number of entries."""

from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from cspo_tracker.formats import day

from . import windows
from .models import SeuCategory, SeuEntry


def windows_for(practitioner):
    """The look-back windows of the practitioner's current cycles, with the SEUs counted
    in each (category caps applied), soonest expiry first."""
    return windows.provider().windows_for(practitioner)


def entries_for(practitioner, *, window=None, category=None, earned_from=None, earned_to=None):
    """The practitioner's entries, newest first, optionally inside one window (or a date
    range, ends included) and of one category."""
    entries = SeuEntry.objects.filter(practitioner=practitioner).select_related(
        "category", "reported_by"
    )
    if window is not None:
        entries = entries.filter(earned_on__gte=window.starts_on, earned_on__lte=window.ends_on)
    if earned_from is not None:
        entries = entries.filter(earned_on__gte=earned_from)
    if earned_to is not None:
        entries = entries.filter(earned_on__lte=earned_to)
    if category is not None:
        entries = entries.filter(category=category)
    return entries


def totals_by_category(entries):
    """One row per category present in `entries`: code, name, total SEUs, the SEUs not yet
    used by a renewal, and the number of entries."""
    return (
        entries.order_by()
        .values("category__code", "category__name")
        .annotate(
            total=Sum("seus"),
            unused=Sum("seus", filter=Q(consumed_by__isnull=True)),
            count=Count("pk"),
        )
        .order_by("category__code")
    )


def categories():
    return SeuCategory.objects.all()


def entry_for(practitioner, pk):
    """One of the practitioner's own entries; anyone else's answers 404."""
    return get_object_or_404(
        SeuEntry.objects.select_related("category", "practitioner"),
        pk=pk,
        practitioner=practitioner,
    )


def entry_with_evidence_for(user, pk):
    """An entry whose evidence `user` may open: their own, or any entry for staff."""
    entries = SeuEntry.objects.exclude(evidence="")
    if not user.is_staff:
        entries = entries.filter(practitioner__user=user)
    return get_object_or_404(entries, pk=pk)


def with_renewal_lock(entries):
    """`entries` annotated with `reserved`: counted by the renewal in progress."""
    return entries.annotate(reserved=windows.provider().reserved_entries())


def is_reserved(entry):
    """Whether the renewal in progress counts this entry (one query)."""
    return SeuEntry.objects.filter(windows.provider().reserved_entries(), pk=entry.pk).exists()


def counting_note(practitioner, earned_on, *, today):
    """Why an SEU earned on `earned_on` counts toward none of the practitioner's current
    renewal windows, and from when SEUs count; "" when it counts (or there is no window).
    After an early renewal the new window starts at the old expiry, in the future."""
    current = windows_for(practitioner)
    if not current or any(w.starts_on <= earned_on <= w.ends_on for w in current):
        return ""
    later = [w for w in current if w.starts_on > earned_on]
    if not later:
        return _after_expiry_note(current, earned_on)
    starts_on = min(w.starts_on for w in later)
    if starts_on > today:
        note = _(
            "This entry counts 0 for now: your current renewal window starts on "
            "%(day)s (it begins at your previous expiry date), and SEUs earned from "
            "that day count toward your next renewal."
        )
    else:
        note = _(
            "This entry counts 0 for now: your current renewal window started on "
            "%(day)s (it begins at your previous expiry date), and SEUs earned from "
            "that day count toward your next renewal."
        )
    return note % {"day": day(starts_on)}


def _after_expiry_note(current, earned_on):
    """Earned after every current window ended (in grace, or lapsed): a renewal counts
    only SEUs earned by the expiry date, and the next window starts at that date."""
    ends_on = max(w.ends_on for w in current)
    if earned_on <= ends_on:
        return ""
    return _(
        "This entry counts 0 for now: it was earned after your credential expired on "
        "%(day)s, and a renewal counts only SEUs earned by the expiry date. To "
        "renew, log SEUs earned by %(day)s (a lapsed credential also needs staff "
        "approval). Once you renew, your next window starts on %(day)s, so this "
        "entry counts toward the renewal after that."
    ) % {"day": day(ends_on)}


def same_activity(activity):
    """An activity as the duplicate rule compares it: extra spaces removed (and case
    ignored by the comparison)."""
    return " ".join((activity or "").split())


def identical_entries(practitioner, *, earned_on, activity, seus, exclude=None):
    """The practitioner's entries with the same date, activity (ignoring case and extra
    spaces) and SEUs: saving another is probably a mistake."""
    entries = SeuEntry.objects.filter(
        practitioner=practitioner,
        earned_on=earned_on,
        seus=seus,
        activity__iexact=same_activity(activity),
    )
    if exclude is not None:
        entries = entries.exclude(pk=exclude.pk)
    return entries
