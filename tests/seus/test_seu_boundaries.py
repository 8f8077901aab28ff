"""The SEU rules at their edges (docs/domain.md, "SEUs"): exactly at, one step below and
one step above the daily cap, the step and a category's cap, and on, before and after
the first day of the look-back window. Each case goes through seus.services, the one
home of these rules (the form, the import and the API call it)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from renewals.services import submit_renewal
from seus.models import SeuEntry
from seus.services import create_seu_entry, update_seu_entry
from tests.factories import (
    EVIDENCE_JPEG,
    EVIDENCE_PDF,
    SeuCategoryFactory,
    SeuEntryFactory,
    credential_expiring,
    seus_for,
)

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = D(2026, 2, 10)
# The seus conftest's credential: issued 1 Jun 2025, its look-back window starts then.
WINDOW_STARTS = D(2025, 6, 1)


def log(practitioner, seus, *, earned_on=DAY, category=None, evidence=None):
    return create_seu_entry(
        practitioner=practitioner,
        earned_on=earned_on,
        category=category or SeuCategoryFactory(code="E"),
        activity=f"Learning {seus}",
        seus=Decimal(seus),
        evidence=evidence,
    )


def outcome(call):
    """'accepted', or the message the rule gives beside the SEUs field."""
    try:
        call()
    except ValidationError as error:
        return error.message_dict["seus"][0]
    return "accepted"


# --- At most 8 SEUs per day --------------------------------------------------------------


@pytest.mark.parametrize(
    ("already", "adding", "accepted"),
    [
        pytest.param("0", "7.75", True, id="one step below 8 SEUs in a day: accepted"),
        pytest.param("0", "8", True, id="exactly 8 SEUs in a day: accepted"),
        pytest.param("0", "8.25", False, id="one step above 8 SEUs in a day: refused"),
        pytest.param("6", "1.75", True, id="a day's entries one step below 8 SEUs: accepted"),
        pytest.param("6", "2", True, id="a day's entries summing to exactly 8 SEUs: accepted"),
        pytest.param("6", "2.25", False, id="a day's entries one step above 8 SEUs: refused"),
    ],
)
def test_at_most_8_seus_count_per_day(practitioner, already, adding, accepted):
    if Decimal(already):
        log(practitioner, already)
    before = SeuEntry.objects.count()
    result = outcome(lambda: log(practitioner, adding))
    if accepted:
        assert result == "accepted"
        assert SeuEntry.objects.count() == before + 1
    else:
        assert result.startswith("At most 8 SEUs count per day")
        assert SeuEntry.objects.count() == before


@pytest.mark.parametrize(
    ("other_day", "accepted"),
    [
        pytest.param(DAY - datetime.timedelta(days=1), True, id="8 SEUs the day before: own cap"),
        pytest.param(DAY, False, id="8 SEUs the same day: the cap is reached"),
        pytest.param(DAY + datetime.timedelta(days=1), True, id="8 SEUs the day after: own cap"),
    ],
)
def test_the_daily_cap_is_per_calendar_day(practitioner, other_day, accepted):
    log(practitioner, "8", earned_on=other_day)
    assert (outcome(lambda: log(practitioner, "0.25")) == "accepted") is accepted


@pytest.mark.parametrize(
    ("changed_to", "accepted"),
    [
        pytest.param("3.75", True, id="changed to one step below the day's room: accepted"),
        pytest.param("4", True, id="changed to exactly the day's room: accepted"),
        pytest.param("4.25", False, id="changed to one step above the day's room: refused"),
    ],
)
def test_changing_an_entry_keeps_the_daily_cap(practitioner, changed_to, accepted):
    log(practitioner, "4")
    entry = log(practitioner, "1")
    result = outcome(lambda: update_seu_entry(entry=entry, seus=Decimal(changed_to)))
    assert (result == "accepted") is accepted
    expected = Decimal(changed_to) if accepted else Decimal("1")
    assert SeuEntry.objects.get(pk=entry.pk).seus == expected


# --- SEUs in steps of a quarter hour -----------------------------------------------------


@pytest.mark.parametrize(
    ("seus", "message"),
    [
        pytest.param("0", "SEUs must be more than zero.", id="zero SEUs: refused"),
        pytest.param("0.24", "SEUs are counted in steps of 0.25 hours.", id="below one step"),
        pytest.param("0.25", "accepted", id="exactly one step: accepted"),
        pytest.param("0.26", "SEUs are counted in steps of 0.25 hours.", id="above one step"),
        pytest.param("1.99", "SEUs are counted in steps of 0.25 hours.", id="just below 2"),
        pytest.param("2", "accepted", id="a whole hour: accepted"),
        pytest.param("2.01", "SEUs are counted in steps of 0.25 hours.", id="just above 2"),
    ],
)
def test_seus_are_counted_in_steps_of_a_quarter_hour(practitioner, seus, message):
    assert outcome(lambda: log(practitioner, seus)) == message
    assert SeuEntry.objects.exists() is (message == "accepted")


# --- A category's cap in the look-back window --------------------------------------------


@pytest.fixture
def capped():
    category = SeuCategoryFactory(code="D")
    category.cap = Decimal("5")
    category.save()
    return category


@pytest.mark.parametrize(
    ("adding", "accepted"),
    [
        pytest.param("1.75", True, id="one step below the category's cap: accepted"),
        pytest.param("2", True, id="exactly the category's cap: accepted"),
        pytest.param("2.25", False, id="one step above the category's cap: refused"),
    ],
)
def test_a_capped_category_counts_up_to_its_cap_in_the_window(
    practitioner, credential, capped, adding, accepted
):
    log(practitioner, "3", earned_on=D(2026, 1, 5), category=capped)
    result = outcome(lambda: log(practitioner, adding, category=capped))
    if accepted:
        assert result == "accepted"
    else:
        assert result.startswith("Category D counts at most 5")
    assert SeuEntry.objects.filter(category=capped).count() == (2 if accepted else 1)


@pytest.mark.parametrize(
    ("earlier_on", "counts"),
    [
        pytest.param(WINDOW_STARTS - datetime.timedelta(days=1), False, id="the day before"),
        pytest.param(WINDOW_STARTS, True, id="the window's first day counts"),
        pytest.param(WINDOW_STARTS + datetime.timedelta(days=1), True, id="the day after"),
    ],
)
def test_a_category_cap_counts_the_entries_inside_the_look_back_window(
    practitioner, credential, capped, earlier_on, counts
):
    SeuEntryFactory(practitioner=practitioner, category=capped, earned_on=earlier_on, seus=4)
    result = outcome(lambda: log(practitioner, "2", category=capped))
    assert (result != "accepted") is counts


# --- Evidence: at most EVIDENCE_MAX_BYTES, kept under its own name ---------------------


@pytest.mark.parametrize(
    ("limit_over_size", "message"),
    [
        pytest.param(1, "accepted", id="one byte under the evidence limit: accepted"),
        pytest.param(0, "accepted", id="exactly the evidence limit: accepted"),
        pytest.param(
            -1,
            "The file is 1.0\xa0KB; evidence may be at most 1023\xa0bytes.",
            id="one byte over the evidence limit: refused with both sizes",
        ),
    ],
)
def test_evidence_may_be_at_most_the_size_limit(practitioner, settings, limit_over_size, message):
    content = EVIDENCE_PDF + b" " * (1024 - len(EVIDENCE_PDF))
    settings.EVIDENCE_MAX_BYTES = len(content) + limit_over_size
    pdf = SimpleUploadedFile("scan.pdf", content, content_type="application/pdf")
    try:
        log(practitioner, "1", evidence=pdf)
    except ValidationError as error:
        assert error.message_dict["evidence"] == [message]
    else:
        assert message == "accepted"
        assert SeuEntry.objects.get().evidence.size == 1024


@pytest.mark.parametrize(
    ("uploaded", "kept"),
    [
        pytest.param("scan.pdf", "scan.pdf", id="a plain name is kept"),
        pytest.param("C:\\Users\\ada\\my.scan.v2.PDF", "my.scan.v2.PDF", id="no folders"),
        pytest.param("photo.jpeg", "photo.jpeg.pdf", id="a name that lies gets the real one"),
    ],
)
def test_evidence_keeps_its_uploaded_name_ending_in_its_real_extension(
    practitioner, uploaded, kept
):
    pdf = SimpleUploadedFile(uploaded, EVIDENCE_PDF, content_type="application/pdf")
    assert log(practitioner, "1", evidence=pdf).evidence_name == kept


def test_a_jpeg_named_jpeg_keeps_its_name(practitioner):
    jpeg = SimpleUploadedFile("photo.JPEG", EVIDENCE_JPEG, content_type="image/jpeg")
    assert log(practitioner, "1", evidence=jpeg).evidence_name == "photo.JPEG"


def test_an_identical_entry_is_refused_with_what_it_repeats(practitioner):
    log(practitioner, "2.5")
    with pytest.raises(ValidationError) as refused:
        log(practitioner, "2.5")
    assert refused.value.message_dict["save_anyway"] == [
        "You already logged \u201cLearning 2.5\u201d on 10 Feb 2026 for 2.5 SEUs. Saving it "
        'again counts it twice: tick "Save it anyway" only if you really did it twice.'
    ]


# --- What each refusal says ------------------------------------------------------------


def test_the_daily_cap_refusal_says_what_is_logged_and_what_still_fits(practitioner):
    log(practitioner, "6")
    assert outcome(lambda: log(practitioner, "2.25")) == (
        "At most 8 SEUs count per day; you already logged 6 on 10 Feb 2026, so 2 more fit."
    )


def test_the_category_cap_refusal_names_the_window(practitioner, credential, capped):
    log(practitioner, "3", earned_on=D(2026, 1, 5), category=capped)
    assert outcome(lambda: log(practitioner, "2.25", category=capped)) == (
        "Category D counts at most 5 SEUs per renewal window; 3 are already logged in the "
        "window ending 1 Jun 2027."
    )


def test_an_entry_a_completed_renewal_used_says_why_it_cannot_change(
    practitioner, completed_renewal
):
    entry = SeuEntryFactory(practitioner=practitioner, consumed_by=completed_renewal)
    with pytest.raises(ValidationError) as refused:
        update_seu_entry(entry=entry, seus=Decimal("1"))
    assert refused.value.messages == [
        "This entry was used by a completed renewal and can no longer change."
    ]


def test_an_entry_a_renewal_in_progress_counts_says_why_it_cannot_change(practitioner, credential):
    seus_for(practitioner, 20, earned_on=D(2026, 1, 15))
    submit_renewal(practitioner=practitioner, credentials=[credential], payment_reference="P")
    entry = practitioner.seu_entries.first()
    with pytest.raises(ValidationError) as refused:
        update_seu_entry(entry=entry, seus=Decimal("1"))
    assert refused.value.messages == [
        "This entry counts toward your renewal in progress, so it cannot change until "
        "staff complete or reject that renewal."
    ]


@pytest.mark.parametrize(
    ("earned_on", "message"),
    [
        pytest.param(D(2026, 2, 28), None, id="yesterday: logged"),
        pytest.param(D(2026, 3, 1), None, id="today: logged"),
        pytest.param(D(2026, 3, 2), "The date cannot be in the future.", id="tomorrow: refused"),
    ],
)
def test_an_seu_is_earned_today_at_the_latest(practitioner, earned_on, message):
    try:
        log(practitioner, "1", earned_on=earned_on)
    except ValidationError as error:
        assert error.message_dict == {"earned_on": [message]}
    else:
        assert message is None
        assert SeuEntry.objects.get().earned_on == earned_on


def test_a_category_cap_counts_only_its_own_category(practitioner, credential, capped):
    log(practitioner, "4", earned_on=D(2026, 1, 5))  # category E, no cap
    assert outcome(lambda: log(practitioner, "5", category=capped)) == "accepted"


def test_a_category_cap_counts_nothing_after_the_windows_end(practitioner, capped):
    """A credential expiring 31 Jan 2026, still in grace: its window ends that day, and an
    entry of 15 Feb 2026 belongs to no window of it."""
    credential_expiring(D(2026, 1, 31), holder=practitioner)
    SeuEntryFactory(practitioner=practitioner, category=capped, earned_on=D(2026, 2, 15), seus=4)
    accepted = log(practitioner, "2", earned_on=D(2025, 12, 1), category=capped)
    assert accepted.seus == Decimal("2")


@pytest.mark.parametrize(
    ("category_code", "already"),
    [
        pytest.param("E", "8", id="a full day: the step is named, not the daily cap"),
        pytest.param("D", "5", id="a full category: the step is named, not its cap"),
    ],
)
def test_an_entry_off_the_step_is_told_about_the_step_first(
    practitioner, credential, capped, category_code, already
):
    category = capped if category_code == "D" else None
    earlier = DAY if category is None else D(2026, 1, 5)  # the same day, or the window
    log(practitioner, already, earned_on=earlier, category=category)
    assert outcome(lambda: log(practitioner, "0.3", category=category)) == (
        "SEUs are counted in steps of 0.25 hours."
    )


def test_changing_an_entry_is_not_refused_as_a_duplicate_of_itself(practitioner):
    entry = log(practitioner, "2")
    changed = update_seu_entry(entry=entry, description="Notes from the talk")
    assert changed.description == "Notes from the talk"
