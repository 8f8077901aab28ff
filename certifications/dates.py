"""Calendar arithmetic for credentials: one place, one tested function."""

from dateutil.relativedelta import relativedelta


def add_months(day, months):
    """`day` plus `months` calendar months, clamped to the month's end.

    2024-02-29 + 24 months = 2026-02-28 (docs/domain.md, "Earning a CSPO");
    2025-08-31 + 6 months = 2026-02-28; negative months go back.
    """
    return day + relativedelta(months=months)
