"""What the renewal edge tables share: a moment pinned at noon UTC, and a submission
that either opens a renewal or is refused because renewal has not opened yet."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from renewals import services
from renewals.models import Renewal


def noon(day):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.UTC), tick=False
    )


def assert_renewal_opens_or_is_refused(holder, credential, *, today, opens):
    """Submits `credential` on `today`: a renewal when `opens`, else the refusal that
    names the rule, and no renewal row."""
    with noon(today):
        if opens:
            services.submit_renewal(
                practitioner=holder, credentials=[credential], payment_reference="PAY-1"
            )
        else:
            with pytest.raises(ValidationError, match="Renewal opens 30 days after issue"):
                services.submit_renewal(
                    practitioner=holder, credentials=[credential], payment_reference="PAY-1"
                )
    assert Renewal.objects.exists() is opens
