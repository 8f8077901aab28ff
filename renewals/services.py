"""Writes for renewals: opening cycles."""

from django.db import transaction

from certifications.dates import add_months

from .models import RenewalCycle


@transaction.atomic
def open_cycle(*, credential):
    """Open the renewal cycle that ends at the credential's current expiry, snapshotting
    the program's requirement and fee. Opening it again returns the same cycle."""
    program = credential.program
    cycle, _created = RenewalCycle.objects.get_or_create(
        credential=credential,
        ends_on=credential.expires_on,
        defaults={
            "window_starts_on": add_months(credential.expires_on, -program.lookback_months),
            "seus_required": program.seus_required,
            "fee_amount": program.renewal_fee,
            "fee_currency": program.fee_currency,
        },
    )
    return cycle
