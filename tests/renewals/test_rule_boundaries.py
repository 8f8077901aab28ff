"""The renewal rules at their edges: exactly at, one below and one above each number, on,
before and after each date (docs/domain.md). Each case would pass a rule written with
the wrong comparison if it were not on the edge, so every case sits on one."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from certifications.models import Credential
from renewals import selectors, services
from renewals.models import Reminder, Renewal
from renewals.sweep import services as sweep
from seus.models import SeuCategory, SeuEntry
from tests.factories import (
    CredentialFactory,
    PractitionerFactory,
    SeuCategoryFactory,
    SeuEntryFactory,
    StaffFactory,
    credential_expiring,
    seus_for,
)
from tests.renewals.edges import assert_renewal_opens_or_is_refused, noon

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = datetime.timedelta(days=1)
EXPIRES = D(2026, 6, 30)  # CSPO: 20 SEUs, 90 days of grace, opens 30 days after issue


def submit_and_confirm(holder, credential):
    renewal = services.submit_renewal(
        practitioner=holder, credentials=[credential], payment_reference="PAY-1"
    )
    services.confirm_fee(renewal=renewal, by=StaffFactory())
    renewal.refresh_from_db()
    return renewal


# --- SEUs required ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("logged", "completes"),
    [
        pytest.param("20", True, id="exactly the SEUs required renews"),
        pytest.param("20.5", True, id="one step above the SEUs required renews"),
    ],
)
def test_a_renewal_completes_when_the_counted_seus_reach_the_requirement(logged, completes):
    holder = PractitionerFactory()
    credential = credential_expiring(EXPIRES, holder=holder)
    seus_for(holder, Decimal(logged))
    with noon(D(2026, 6, 1)):
        renewal = submit_and_confirm(holder, credential)
    assert renewal.status == Renewal.Status.COMPLETED
    assert Credential.objects.get(pk=credential.pk).expires_on == D(2028, 6, 30)


def test_a_renewal_one_step_below_the_seus_required_is_refused_and_writes_nothing():
    holder = PractitionerFactory()
    credential = credential_expiring(EXPIRES, holder=holder)
    seus_for(holder, Decimal("19.5"))
    with noon(D(2026, 6, 1)), pytest.raises(ValidationError, match="Log 0.5 SEU"):
        services.submit_renewal(
            practitioner=holder, credentials=[credential], payment_reference="PAY-1"
        )
    assert not Renewal.objects.exists()


def test_a_fee_confirmed_renewal_whose_seus_fell_to_the_requirement_still_completes():
    """The completion check on confirmation, separate from the submission's: with the
    counted SEUs exactly at the requirement it completes rather than being held."""
    holder = PractitionerFactory()
    credential = credential_expiring(EXPIRES, holder=holder)
    entries = seus_for(holder, 28)  # 8 + 8 + 8 + 4
    with noon(D(2026, 6, 1)):
        renewal = services.submit_renewal(
            practitioner=holder, credentials=[credential], payment_reference="PAY-1"
        )
        SeuEntry.objects.filter(pk=entries[0].pk).delete()  # 20 left: exactly enough
        services.confirm_fee(renewal=renewal, by=StaffFactory())
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.COMPLETED, renewal.held_reason


@pytest.mark.parametrize(
    ("counted", "fee_is_confirmed", "met"),
    [
        pytest.param("19.5", True, False, id="one step below with the fee: not met"),
        pytest.param("20", True, True, id="exactly the SEUs with the fee: met"),
        pytest.param("20.5", True, True, id="one step above with the fee: met"),
        pytest.param("20", False, False, id="exactly the SEUs without the fee: not met"),
    ],
)
def test_the_requirements_are_met_at_exactly_the_seus_required_with_the_fee(
    counted, fee_is_confirmed, met
):
    """The rule the dashboard, the reminders and the sweep's 'active' status share."""
    assert (
        selectors.requirements_met(
            seus_counted=Decimal(counted),
            seus_required=Decimal("20"),
            fee_is_confirmed=fee_is_confirmed,
        )
        is met
    )


# --- The plan: just enough SEUs, the oldest first --------------------------------------


def test_a_renewal_consumes_only_the_oldest_entries_that_reach_the_requirement():
    """SEUs count once: a renewal consumes just enough of them, the oldest first, and
    leaves the rest for the next cycle."""
    holder = PractitionerFactory()
    credential = credential_expiring(EXPIRES, holder=holder)
    category = SeuCategoryFactory(code="E")
    entries = [
        SeuEntryFactory(
            practitioner=holder, category=category, seus=5, earned_on=D(2026, 1, 1) + i * DAY
        )
        for i in range(6)
    ]
    with noon(D(2026, 6, 1)):
        renewal = submit_and_confirm(holder, credential)
    consumed = set(SeuEntry.objects.filter(consumed_by=renewal).values_list("pk", flat=True))
    assert consumed == {e.pk for e in entries[:4]}


def test_with_a_category_cap_the_plan_still_stops_once_the_requirement_is_met():
    holder = PractitionerFactory()
    credential = credential_expiring(EXPIRES, holder=holder)
    capped = SeuCategoryFactory(code="C")
    SeuCategory.objects.filter(pk=capped.pk).update(cap=Decimal("30"))
    entries = [
        SeuEntryFactory(
            practitioner=holder, category=capped, seus=5, earned_on=D(2026, 1, 1) + i * DAY
        )
        for i in range(6)
    ]
    with noon(D(2026, 6, 1)):
        renewal = submit_and_confirm(holder, credential)
    consumed = set(SeuEntry.objects.filter(consumed_by=renewal).values_list("pk", flat=True))
    assert consumed == {e.pk for e in entries[:4]}


# --- Renewal opening -------------------------------------------------------------------

ISSUED = D(2026, 5, 2)  # renewal opens 30 days later, on 2026-06-01


@pytest.mark.parametrize(
    ("today", "opens"),
    [
        pytest.param(ISSUED + 29 * DAY, False, id="the day before renewal opens: refused"),
        pytest.param(ISSUED + 30 * DAY, True, id="the day renewal opens: accepted"),
        pytest.param(ISSUED + 31 * DAY, True, id="the day after renewal opens: accepted"),
    ],
)
def test_renewal_opens_thirty_days_after_issue(today, opens):
    holder = PractitionerFactory()
    credential = CredentialFactory(holder=holder, issued_on=ISSUED)
    assert credential.renewal_opens_on == D(2026, 6, 1)
    seus_for(holder, 20, earned_on=D(2026, 5, 10))
    assert_renewal_opens_or_is_refused(holder, credential, today=today, opens=opens)


# --- Expiry, grace and lapse as the daily sweep stores them ----------------------------


@pytest.mark.parametrize(
    ("today", "status"),
    [
        pytest.param(EXPIRES - DAY, "renewal_due", id="the day before expiry: due"),
        pytest.param(EXPIRES, "renewal_due", id="the expiry day: still due, not in grace"),
        pytest.param(EXPIRES + DAY, "grace", id="the day after expiry: grace"),
        pytest.param(EXPIRES + 90 * DAY, "grace", id="the last day of grace: grace"),
        pytest.param(EXPIRES + 91 * DAY, "lapsed", id="the first lapsed day: lapsed"),
    ],
)
def test_the_sweep_stores_the_status_of_the_day(today, status):
    credential = credential_expiring(EXPIRES)
    with noon(today):
        sweep.run_sweep(today=today, dispatch=lambda ids, result: None)
    assert Credential.objects.get(pk=credential.pk).status == status


@pytest.mark.parametrize(
    ("today", "lapsed"),
    [
        pytest.param(EXPIRES + 90 * DAY, False, id="the last day of grace renews as usual"),
        pytest.param(EXPIRES + 91 * DAY, True, id="the first lapsed day needs approval"),
    ],
)
def test_a_renewal_submitted_after_grace_needs_staff_approval(today, lapsed):
    holder = PractitionerFactory()
    credential = credential_expiring(EXPIRES, holder=holder)
    seus_for(holder, 20)
    with noon(today):
        renewal = services.submit_renewal(
            practitioner=holder, credentials=[credential], payment_reference="PAY-1"
        )
    expected = Renewal.Status.NEEDS_APPROVAL if lapsed else Renewal.Status.SUBMITTED
    assert renewal.status == expected


# --- The sweep's opt-out rule ----------------------------------------------------------


@pytest.mark.parametrize(
    ("optional_reminders", "claimed"),
    [
        pytest.param(True, ["30-days-before"], id="an opted-in holder gets the reminder"),
        pytest.param(False, [], id="a holder who unsubscribed is not even claimed for"),
    ],
)
def test_the_set_based_sweep_claims_optional_reminders_only_for_holders_who_want_them(
    optional_reminders, claimed
):
    holder = PractitionerFactory(optional_reminders=optional_reminders)
    credential_expiring(EXPIRES, holder=holder)
    day = EXPIRES - 30 * DAY
    with noon(day):
        result = sweep.run_sweep(today=day, dispatch=lambda ids, result: None)
    assert list(Reminder.objects.values_list("offset__code", flat=True)) == claimed
    assert (result.reminders_claimed, result.skipped) == (len(claimed), 1 - len(claimed))


def test_the_expiry_day_notice_is_claimed_for_a_holder_who_unsubscribed():
    holder = PractitionerFactory(optional_reminders=False)
    credential_expiring(EXPIRES, holder=holder)
    with noon(EXPIRES):
        sweep.run_sweep(today=EXPIRES, dispatch=lambda ids, result: None)
    assert list(Reminder.objects.values_list("offset__code", flat=True)) == ["expiry-day"]


def test_a_renewal_uses_first_the_entries_no_other_current_credential_counts():
    """Entries that count for none of the holder's other current cycles go first, even
    when they are newer: the CSM renewing next still has its SEUs afterwards."""
    holder = PractitionerFactory()
    credential_expiring(D(2026, 3, 31), holder=holder, program="CSM")  # in grace on 1 June
    cspo = credential_expiring(EXPIRES, holder=holder)
    category = SeuCategoryFactory(code="E")

    def entries(first_day):
        return [
            SeuEntryFactory(
                practitioner=holder, category=category, seus=8, earned_on=first_day + i * DAY
            )
            for i in range(3)
        ]

    both = entries(D(2025, 6, 1))  # inside the CSM's window and the CSPO's
    cspo_only = entries(D(2026, 4, 1))  # after the CSM's window ended
    with noon(D(2026, 6, 1)):
        renewal = submit_and_confirm(holder, cspo)
    consumed = set(SeuEntry.objects.filter(consumed_by=renewal).values_list("pk", flat=True))
    assert consumed == {e.pk for e in cspo_only}
    assert not SeuEntry.objects.filter(pk__in=[e.pk for e in both], consumed_by__isnull=False)


def test_a_capped_category_counts_only_up_to_its_cap_in_the_plan():
    """A category capped at 9 SEUs gives at most 9 of its 24: the renewal needs two
    more entries of another category, not one, and uses the entry that adds 1."""
    holder = PractitionerFactory()
    credential = credential_expiring(EXPIRES, holder=holder)
    capped = SeuCategoryFactory(code="C")
    SeuCategory.objects.filter(pk=capped.pk).update(cap=Decimal("9"))
    other = SeuCategoryFactory(code="E")
    used = [
        SeuEntryFactory(practitioner=holder, category=category, seus=8, earned_on=day)
        for category, day in [
            (capped, D(2026, 1, 1)),
            (capped, D(2026, 1, 2)),
            (other, D(2026, 1, 3)),
            (other, D(2026, 1, 4)),
        ]
    ]
    # A third capped entry adds nothing once the cap is reached: it is not consumed.
    past_cap = SeuEntryFactory(
        practitioner=holder, category=capped, seus=8, earned_on=D(2026, 1, 2)
    )
    left = SeuEntryFactory(practitioner=holder, category=other, seus=8, earned_on=D(2026, 1, 5))
    with noon(D(2026, 6, 1)):
        renewal = submit_and_confirm(holder, credential)
    consumed = set(SeuEntry.objects.filter(consumed_by=renewal).values_list("pk", flat=True))
    assert consumed == {e.pk for e in used}
    assert not {left.pk, past_cap.pk} & consumed


def test_entries_the_requirement_is_met_without_are_given_back_largest_first():
    """Entries are whole: after the oldest entries reach the requirement, any the total
    still reaches it without goes back, the largest considered first. 2 + 2 + 4 + 16
    reach 20 with 24; without the 4 it is exactly 20, so the 4 stays unconsumed."""
    holder = PractitionerFactory()
    credential = credential_expiring(EXPIRES, holder=holder)
    category = SeuCategoryFactory(code="E")
    entries = {
        seus: SeuEntryFactory(
            practitioner=holder, category=category, seus=seus, earned_on=D(2026, 1, day)
        )
        for seus, day in [(Decimal("2.5"), 1), (Decimal("1.5"), 2), (4, 3), (16, 4)]
    }
    with noon(D(2026, 6, 1)):
        renewal = submit_and_confirm(holder, credential)
    consumed = set(SeuEntry.objects.filter(consumed_by=renewal).values_list("pk", flat=True))
    assert consumed == {entries[Decimal("2.5")].pk, entries[Decimal("1.5")].pk, entries[16].pk}


def test_every_entry_the_requirement_is_met_without_is_given_back():
    """1 + 1 + 1.5 + 20 reach 20 with 23.5; the 20 alone reaches it, so the three small
    ones all go back, one after another."""
    holder = PractitionerFactory()
    credential = credential_expiring(EXPIRES, holder=holder)
    category = SeuCategoryFactory(code="E")
    for seus, day in [(1, 1), (1, 2), (Decimal("1.5"), 3)]:
        SeuEntryFactory(
            practitioner=holder, category=category, seus=seus, earned_on=D(2026, 1, day)
        )
    large = SeuEntryFactory(
        practitioner=holder, category=category, seus=20, earned_on=D(2026, 1, 4)
    )
    with noon(D(2026, 6, 1)):
        renewal = submit_and_confirm(holder, credential)
    consumed = set(SeuEntry.objects.filter(consumed_by=renewal).values_list("pk", flat=True))
    assert consumed == {large.pk}
