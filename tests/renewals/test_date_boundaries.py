"""Date rules at their edges that depend on where and when (docs/domain.md): a reminder
falls due on the holder's local day, across midnight in their time zone; a credential
issued on 29 February expires, opens its renewal, ends its window and grace on clamped
calendar dates, and an SEU earned on 29 February counts like any other day."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from certifications.models import Credential
from renewals import selectors, services
from renewals.models import Reminder, Renewal
from renewals.sweep import services as sweep
from tests.factories import (
    CredentialFactory,
    PractitionerFactory,
    SeuEntryFactory,
    StaffFactory,
    credential_expiring,
    seus_for,
)
from tests.renewals.edges import assert_renewal_opens_or_is_refused, noon

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = datetime.timedelta(days=1)
UTC = datetime.UTC


def at(moment):
    return time_machine.travel(moment, tick=False)


def claimed_codes():
    return sorted(Reminder.objects.values_list("offset__code", flat=True))


# --- Each reminder offset on the holder's local day ------------------------------------
#
# A CSPO expiring on 30 Jun 2026: the 30-days-before reminder falls due on 31 May 2026,
# local time. In June, Auckland is UTC+12 and Los Angeles UTC-7, so that day begins at
# 12:00 UTC on 30 May in Auckland and at 07:00 UTC on 31 May in Los Angeles. A sweep run
# at one instant finds each holder on their own day.

EXPIRES = D(2026, 6, 30)


@pytest.mark.parametrize(
    ("zone", "moment", "codes"),
    [
        pytest.param(
            "Pacific/Auckland",
            datetime.datetime(2026, 5, 30, 11, 59, tzinfo=UTC),
            ["60-days-before"],
            id="Auckland 23:59 on the day before the 30-days-before reminder: not yet due",
        ),
        pytest.param(
            "Pacific/Auckland",
            datetime.datetime(2026, 5, 30, 12, 0, tzinfo=UTC),
            ["30-days-before"],
            id="Auckland 00:00 on the 30-days-before reminder's day: due",
        ),
        pytest.param(
            "Pacific/Auckland",
            datetime.datetime(2026, 5, 31, 12, 0, tzinfo=UTC),
            ["30-days-before"],
            id="Auckland 00:00 on the day after: still the 30-days-before reminder",
        ),
        pytest.param(
            "America/Los_Angeles",
            datetime.datetime(2026, 5, 31, 6, 59, tzinfo=UTC),
            ["60-days-before"],
            id="Los Angeles 23:59 on the day before the 30-days-before reminder: not yet due",
        ),
        pytest.param(
            "America/Los_Angeles",
            datetime.datetime(2026, 5, 31, 7, 0, tzinfo=UTC),
            ["30-days-before"],
            id="Los Angeles 00:00 on the 30-days-before reminder's day: due",
        ),
        pytest.param(
            "America/Los_Angeles",
            datetime.datetime(2026, 6, 1, 7, 0, tzinfo=UTC),
            ["30-days-before"],
            id="Los Angeles 00:00 on the day after: still the 30-days-before reminder",
        ),
    ],
)
def test_a_reminder_falls_due_on_the_holders_local_day(zone, moment, codes):
    holder = PractitionerFactory(time_zone=zone)
    credential_expiring(EXPIRES, holder=holder)
    with at(moment):
        sweep.run_sweep(dispatch=lambda ids, result: None)
    assert claimed_codes() == codes


@pytest.mark.parametrize(
    ("moment", "auckland", "los_angeles"),
    [
        pytest.param(
            datetime.datetime(2026, 6, 29, 11, 59, tzinfo=UTC),
            ["7-days-before"],
            ["7-days-before"],
            id="the eve of expiry everywhere: the 7-days-before reminder",
        ),
        pytest.param(
            datetime.datetime(2026, 6, 29, 12, 0, tzinfo=UTC),
            ["expiry-day"],
            ["7-days-before"],
            id="midnight in Auckland: its expiry-day notice, Los Angeles still the eve",
        ),
        pytest.param(
            datetime.datetime(2026, 6, 30, 7, 0, tzinfo=UTC),
            ["expiry-day"],
            ["expiry-day"],
            id="midnight in Los Angeles: both have the expiry-day notice",
        ),
    ],
)
def test_one_sweep_finds_each_holder_on_their_own_day(moment, auckland, los_angeles):
    ahead = PractitionerFactory(time_zone="Pacific/Auckland")
    behind = PractitionerFactory(time_zone="America/Los_Angeles")
    credential_expiring(EXPIRES, holder=ahead)
    credential_expiring(EXPIRES, holder=behind)
    with at(moment):
        sweep.run_sweep(dispatch=lambda ids, result: None)

    def codes(holder):
        return list(
            Reminder.objects.filter(cycle__credential__holder=holder).values_list(
                "offset__code", flat=True
            )
        )

    assert (codes(ahead), codes(behind)) == (auckland, los_angeles)


@pytest.mark.parametrize(
    ("moment", "status"),
    [
        pytest.param(
            datetime.datetime(2026, 6, 30, 11, 59, tzinfo=UTC),
            "renewal_due",
            id="Auckland 23:59 on the expiry day: still due",
        ),
        pytest.param(
            datetime.datetime(2026, 6, 30, 12, 0, tzinfo=UTC),
            "grace",
            id="Auckland 00:00 the day after expiry: grace",
        ),
    ],
)
def test_grace_begins_at_the_holders_local_midnight(moment, status):
    credential = credential_expiring(
        EXPIRES, holder=PractitionerFactory(time_zone="Pacific/Auckland")
    )
    with at(moment):
        sweep.run_sweep(dispatch=lambda ids, result: None)
    assert Credential.objects.get(pk=credential.pk).status == status


# --- A credential issued on 29 February --------------------------------------------------
#
# Issued 29 Feb 2024: 24 calendar months later is 28 Feb 2026 (no 29th that year), the
# look-back window is the 24 months before that (from 28 Feb 2024), renewal opens 30 days
# after issue (30 Mar 2024), grace ends 90 days after expiry (29 May 2026).

LEAP_DAY = D(2024, 2, 29)


@pytest.fixture
def leap_credential():
    holder = PractitionerFactory()
    return CredentialFactory(holder=holder, issued_on=LEAP_DAY)


def test_a_credential_issued_on_29_february_has_clamped_dates(leap_credential):
    cycle = leap_credential.cycles.get()
    assert leap_credential.expires_on == D(2026, 2, 28)
    assert (cycle.window_starts_on, cycle.ends_on) == (D(2024, 2, 28), D(2026, 2, 28))
    assert leap_credential.renewal_opens_on == D(2024, 3, 30)
    assert leap_credential.grace_ends_on == D(2026, 5, 29)


@pytest.mark.parametrize(
    ("today", "opens"),
    [
        pytest.param(D(2024, 3, 29), False, id="the day before renewal opens: refused"),
        pytest.param(D(2024, 3, 30), True, id="the day renewal opens: accepted"),
        pytest.param(D(2024, 3, 31), True, id="the day after renewal opens: accepted"),
    ],
)
def test_renewal_of_a_leap_day_credential_opens_thirty_days_after_issue(
    leap_credential, today, opens
):
    holder = leap_credential.holder
    seus_for(holder, 20, earned_on=D(2024, 3, 1))
    assert_renewal_opens_or_is_refused(holder, leap_credential, today=today, opens=opens)


@pytest.mark.parametrize(
    ("today", "status"),
    [
        pytest.param(D(2026, 2, 27), "renewal_due", id="the day before expiry: due"),
        pytest.param(D(2026, 2, 28), "renewal_due", id="the expiry day (28 Feb): due"),
        pytest.param(D(2026, 3, 1), "grace", id="the day after expiry (1 Mar): grace"),
        pytest.param(D(2026, 5, 29), "grace", id="the last day of grace: grace"),
        pytest.param(D(2026, 5, 30), "lapsed", id="the first lapsed day: lapsed"),
    ],
)
def test_a_leap_day_credential_expires_and_lapses_on_its_clamped_days(
    leap_credential, today, status
):
    with noon(today):
        sweep.run_sweep(today=today, dispatch=lambda ids, result: None)
    assert Credential.objects.get(pk=leap_credential.pk).status == status


def test_a_leap_day_credential_renews_from_its_old_expiry(leap_credential):
    holder = leap_credential.holder
    seus_for(holder, 20, earned_on=D(2025, 3, 1))
    with noon(D(2026, 2, 1)):
        renewal = services.submit_renewal(
            practitioner=holder, credentials=[leap_credential], payment_reference="P"
        )
        services.confirm_fee(renewal=renewal, by=StaffFactory())
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.COMPLETED
    # From the old expiry (28 Feb 2026), not from the issue day's 29th.
    assert Credential.objects.get(pk=leap_credential.pk).expires_on == D(2028, 2, 28)


@pytest.mark.parametrize(
    ("expires_on", "counted"),
    [
        pytest.param(D(2026, 2, 28), "8", id="a window from 28 Feb 2024 counts an SEU of 29 Feb"),
        pytest.param(D(2026, 3, 1), "0", id="a window from 1 Mar 2024 does not"),
        pytest.param(D(2026, 2, 1), "8", id="a window ending 1 Feb 2026 counts it"),
        pytest.param(D(2026, 2, 27), "8", id="a window ending 27 Feb 2026 counts it"),
    ],
)
def test_an_seu_earned_on_29_february_counts_in_the_windows_holding_that_day(expires_on, counted):
    credential = credential_expiring(expires_on)
    SeuEntryFactory(practitioner=credential.holder, earned_on=LEAP_DAY, seus=Decimal("8"))
    with noon(D(2026, 1, 10)):
        [progress] = selectors.credential_progress(Credential.objects.filter(pk=credential.pk))
    assert progress.seus_counted == Decimal(counted)
