import datetime

import pytest

from certifications.dates import add_months
from tests.factories import CredentialFactory, ProgramFactory

D = datetime.date


@pytest.mark.parametrize(
    ("issued", "months", "expected"),
    [
        (D(2024, 2, 29), 24, D(2026, 2, 28)),  # leap day lands on the month's last day
        (D(2024, 2, 29), 48, D(2028, 2, 29)),  # ...unless the target year is a leap year
        (D(2025, 8, 31), 6, D(2026, 2, 28)),  # long month into a short one
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2025, 3, 15), 24, D(2027, 3, 15)),
        (D(2025, 12, 31), 24, D(2027, 12, 31)),
        (D(2026, 2, 28), -24, D(2024, 2, 28)),  # look-back windows go backwards
    ],
)
def test_calendar_month_arithmetic_clamps_to_the_months_end(issued, months, expected):
    assert add_months(issued, months) == expected


def test_a_cspo_issued_on_a_leap_day_expires_on_the_last_day_of_february(db):
    credential = CredentialFactory(issued_on=D(2024, 2, 29))
    assert credential.expires_on == D(2026, 2, 28)


def test_a_credential_opens_its_first_renewal_cycle_over_the_look_back_window(db):
    credential = CredentialFactory(issued_on=D(2025, 6, 1))
    cycle = credential.cycles.get()
    assert (cycle.window_starts_on, cycle.ends_on) == (D(2025, 6, 1), D(2027, 6, 1))
    assert cycle.seus_required == 20 and cycle.fee_amount == 100 and cycle.fee_currency == "USD"


def test_validity_comes_from_the_program_row_not_from_code(db):
    yearly = ProgramFactory(code="POPM", validity_months=12, lookback_months=12)
    credential = CredentialFactory(program=yearly, issued_on=D(2026, 1, 31))
    assert credential.expires_on == D(2027, 1, 31)
    assert credential.cycles.get().window_starts_on == D(2026, 1, 31)
