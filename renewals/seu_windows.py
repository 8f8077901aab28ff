"""The renewal windows of the SEU log (seus/windows.py), provided by the renewals app:
each current cycle's look-back window, and the entries a renewal in progress counts."""

from django.db.models import Exists, OuterRef, Q

from certifications.models import Credential
from cspo_tracker.formats import day
from seus.windows import Window

from .models import RenewalCycle
from .selectors import current_cycles, seus_counted_by_cycle


class CycleWindows:
    def windows_for(self, practitioner):
        cycles = list(
            current_cycles(Credential.objects.filter(holder=practitioner)).order_by(
                "ends_on", "credential__program__code"
            )
        )
        counted = seus_counted_by_cycle(c.pk for c in cycles)
        return [
            Window(
                cycle_id=cycle.pk,
                label=f"{cycle.credential.program.code} {day(cycle.window_starts_on)} – "
                f"{day(cycle.ends_on)}",
                starts_on=cycle.window_starts_on,
                ends_on=cycle.ends_on,
                seus_counted=counted[cycle.pk],
                seus_required=cycle.seus_required,
            )
            for cycle in cycles
        ]

    def windows_containing(self, practitioner, day):
        return list(
            current_cycles(practitioner.credentials.all())
            .filter(window_starts_on__lte=day, ends_on__gte=day)
            .values_list("window_starts_on", "ends_on")
        )

    def reserved_entries(self):
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
