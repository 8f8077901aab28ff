import datetime
from decimal import Decimal

import pytest
import time_machine

from certifications.models import Credential, Program
from renewals.models import RenewalCycle
from renewals.selectors import (
    credential_progress,
    missing_text,
    renewal_requirement,
    seus_counted_by_cycle,
    status_on,
)
from tests.factories import (
    CredentialFactory,
    PractitionerFactory,
    SeuCategoryFactory,
    SeuEntryFactory,
    credential_expiring,
)

D = datetime.date
S = Credential.Status


def cycles_of(*codes):
    """The open cycles of one holder's credentials in these programs."""
    holder = PractitionerFactory()
    for code in codes:
        credential_expiring(D(2026, 6, 30), program=code, holder=holder)
    return list(
        RenewalCycle.objects.filter(credential__holder=holder).select_related("credential__program")
    )


@pytest.mark.parametrize(
    ("codes", "seus", "fee"),
    [
        (["CSPO"], 20, 100),
        (["CSM", "CSPO"], 30, 100),
        (["CSP-SM", "CSP-PO", "CSD"], 70, 250),
        (["A-CSPO", "CSPO"], 30, 175),  # the lower one in the track adds nothing
        (["A-CSM", "CSPO"], 40, 175),
        (["CSP", "CSM", "CSPO", "CSD"], 70, 250),
    ],
)
def test_several_credentials_renew_for_the_highest_primary_plus_one_add_on_per_other_track(
    db, codes, seus, fee
):
    requirement = renewal_requirement(cycles_of(*codes))
    assert requirement.seus == seus
    assert requirement.fee_amount == fee and requirement.fee_currency == "USD"


def test_the_requirement_comes_from_program_rows_snapshotted_when_the_cycle_opens(db):
    Program.objects.filter(code="CSPO").update(seus_required=25, renewal_fee=Decimal("120"))
    Program.objects.filter(code="CSM").update(seus_addon=5)
    requirement = renewal_requirement(cycles_of("CSM", "CSPO"))
    assert (requirement.seus, requirement.fee_amount, requirement.primary.code) == (30, 120, "CSPO")


def test_a_program_change_after_the_cycles_opened_does_not_move_the_requirement(db):
    cycles = cycles_of("CSM", "CSPO")
    assert [c.seus_addon for c in cycles] == [10, 10]
    Program.objects.filter(code="CSPO").update(seus_required=25, renewal_fee=Decimal("150"))
    Program.objects.filter(code="CSM").update(seus_addon=5)
    fresh = list(
        RenewalCycle.objects.filter(pk__in=[c.pk for c in cycles]).select_related(
            "credential__program"
        )
    )
    requirement = renewal_requirement(fresh)
    assert (requirement.seus, requirement.fee_amount) == (30, 100)


EXPIRES = D(2026, 6, 30)


@pytest.mark.parametrize(
    ("today", "met", "status"),
    [
        (D(2026, 3, 31), False, S.ACTIVE),
        (D(2026, 4, 1), False, S.RENEWAL_DUE),  # 90 days before 2026-06-30
        (EXPIRES - datetime.timedelta(days=90), False, S.RENEWAL_DUE),  # first day of the lead
        (EXPIRES - datetime.timedelta(days=91), False, S.ACTIVE),
        (EXPIRES - datetime.timedelta(days=10), True, S.ACTIVE),  # requirements met: no alarm
        (EXPIRES, False, S.RENEWAL_DUE),  # the expiry day is still valid
        (EXPIRES + datetime.timedelta(days=1), False, S.GRACE),
        (EXPIRES + datetime.timedelta(days=90), False, S.GRACE),  # last day of grace
        (EXPIRES + datetime.timedelta(days=91), False, S.LAPSED),
    ],
)
def test_status_boundaries(today, met, status):
    assert (
        status_on(
            expires_on=EXPIRES, today=today, lead_days=90, grace_days=90, requirements_met=met
        )
        == status
    )


def test_status_follows_today_in_the_holders_time_zone(db):
    auckland = PractitionerFactory(time_zone="Pacific/Auckland")
    credential = CredentialFactory(holder=auckland, issued_on=D(2024, 6, 30))
    assert credential.expires_on == D(2026, 6, 30)
    # 12:30 UTC on the expiry day is already the next day in Auckland: grace there.
    with time_machine.travel(
        datetime.datetime(2026, 6, 30, 12, 30, tzinfo=datetime.UTC), tick=False
    ):
        [progress] = credential_progress(Credential.objects.filter(pk=credential.pk))
    assert progress.today == D(2026, 7, 1)
    assert progress.status == S.GRACE


def test_seus_count_only_unconsumed_entries_inside_the_look_back_window(db):
    credential = CredentialFactory(issued_on=D(2024, 6, 30))  # window 2024-06-30 .. 2026-06-30
    holder = credential.holder
    cycle = credential.cycles.get()
    SeuEntryFactory(practitioner=holder, earned_on=D(2024, 6, 29), seus=8)  # a day too early
    SeuEntryFactory(practitioner=holder, earned_on=D(2024, 6, 30), seus=3)  # first day counts
    SeuEntryFactory(practitioner=holder, earned_on=D(2026, 6, 30), seus=2)  # last day counts
    SeuEntryFactory(practitioner=holder, earned_on=D(2026, 7, 1), seus=8)  # after expiry
    SeuEntryFactory(earned_on=D(2025, 1, 1), seus=8)  # somebody else's
    assert seus_counted_by_cycle([cycle.pk])[cycle.pk] == 5


def test_a_category_cap_limits_what_that_category_counts(db):
    capped = SeuCategoryFactory(code="E")
    capped.cap = Decimal("5")
    capped.save()
    credential = CredentialFactory(issued_on=D(2024, 6, 30))
    for _ in range(3):
        SeuEntryFactory(practitioner=credential.holder, category=capped, seus=4)
    SeuEntryFactory(practitioner=credential.holder, category=SeuCategoryFactory(code="C"), seus=4)
    cycle = credential.cycles.get()
    assert seus_counted_by_cycle([cycle.pk])[cycle.pk] == 9


def test_what_is_missing_reads_as_a_sentence():
    fee = {"fee_amount": Decimal("100"), "fee_currency": "USD"}
    assert missing_text(seus_missing=Decimal(6), fee_missing=True, **fee) == (
        "6 SEUs and the US$100 fee"
    )
    assert missing_text(seus_missing=Decimal(1), fee_missing=False, **fee) == "1 SEU"
    assert missing_text(seus_missing=Decimal(0), fee_missing=True, **fee) == "the US$100 fee"
    assert missing_text(seus_missing=Decimal("2.5"), fee_missing=False, **fee) == "2.5 SEUs"


def test_progress_names_what_is_missing_with_no_query_per_credential(
    db, django_assert_max_num_queries
):
    holder = PractitionerFactory()
    for _ in range(5):
        CredentialFactory(holder=holder, issued_on=D(2024, 6, 30))
    SeuEntryFactory(practitioner=holder, earned_on=D(2026, 1, 10), seus=8)
    SeuEntryFactory(practitioner=holder, earned_on=D(2026, 1, 11), seus=6)
    with (
        time_machine.travel(datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC), tick=False),
        django_assert_max_num_queries(4),
    ):
        progress = credential_progress(Credential.objects.filter(holder=holder))
    assert {p.missing for p in progress} == {"6 SEUs and the US$100 fee"}
    assert {p.status for p in progress} == {S.RENEWAL_DUE}
