"""One helper defuses spreadsheet formulas in every CSV export."""

import datetime
from decimal import Decimal

import pytest

from cspo_tracker.csv_export import safe_cell


@pytest.mark.parametrize(
    "text", ["=1+2", "+1+2", "-1+2", "@SUM(A1)", "\t=1+2", "\r=1+2", '=HYPERLINK("x")']
)
def test_text_a_spreadsheet_would_run_as_a_formula_is_shown_as_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    ["Agile conference", "CSPO-7F3A9C21B4", "", Decimal("-1"), 3, datetime.date(2026, 1, 1)],
)
def test_plain_text_numbers_and_dates_are_left_as_they_are(value):
    assert safe_cell(value) == value
