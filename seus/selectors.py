"""Reads for the SEU log: a practitioner's entries, their renewal windows and totals,
each in a fixed number of queries whatever the number of entries."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.shortcuts import get_object_or_404

from certifications.models import Credential
from renewals.models import RenewalCycle
from renewals.selectors import current_cycles, seus_counted_by_cycle

from .models import SeuCategory, SeuEntry


@dataclass(frozen=True)
class Window:
    """A current renewal window of one of the practitioner's credentials."""

    cycle_id: int
    label: str
    starts_on: object
    ends_on: object
    seus_counted: object
    seus_required: object


def windows_for(practitioner):
    """The look-back windows of the practitioner's current cycles, with the SEUs counted
    in each (category caps applied), soonest expiry first."""
    cycles = list(
        current_cycles(Credential.objects.filter(holder=practitioner)).order_by(
            "ends_on", "credential__program__code"
        )
    )
    counted = seus_counted_by_cycle(c.pk for c in cycles)
    return [
        Window(
            cycle_id=cycle.pk,
            label=f"{cycle.credential.program.code} {cycle.window_starts_on:%-d %b %Y} – "
            f"{cycle.ends_on:%-d %b %Y}",
            starts_on=cycle.window_starts_on,
            ends_on=cycle.ends_on,
            seus_counted=counted[cycle.pk],
            seus_required=cycle.seus_required,
        )
        for cycle in cycles
    ]


def entries_for(practitioner, *, window=None, category=None):
    """The practitioner's entries, newest first, optionally inside one window and of one
    category."""
    entries = SeuEntry.objects.filter(practitioner=practitioner).select_related("category")
    if window is not None:
        entries = entries.filter(earned_on__gte=window.starts_on, earned_on__lte=window.ends_on)
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


def _counted_by_renewal_in_progress():
    """True for an unconsumed entry earned in the window of one of its practitioner's
    submitted cycles: their renewal in progress counts it, so it stays as it is until
    that renewal completes (and consumes it) or is rejected."""
    return Q(consumed_by__isnull=True) & Exists(
        RenewalCycle.objects.filter(
            status=RenewalCycle.Status.SUBMITTED,
            credential__holder=OuterRef("practitioner_id"),
            window_starts_on__lte=OuterRef("earned_on"),
            ends_on__gte=OuterRef("earned_on"),
        )
    )


def with_renewal_lock(entries):
    """`entries` annotated with `reserved`: counted by the renewal in progress."""
    return entries.annotate(reserved=_counted_by_renewal_in_progress())


def is_reserved(entry):
    """Whether the renewal in progress counts this entry (one query)."""
    return SeuEntry.objects.filter(_counted_by_renewal_in_progress(), pk=entry.pk).exists()
