"""The rules an SEU entry must satisfy, enforced by seus.services (docs/domain.md)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from seus.models import SeuEntry
from seus.services import create_seu_entry, delete_seu_entry, update_seu_entry
from tests.factories import PractitionerFactory, SeuCategoryFactory, SeuEntryFactory

pytestmark = pytest.mark.django_db


def log(practitioner, **overrides):
    fields = {
        "practitioner": practitioner,
        "earned_on": datetime.date(2026, 2, 10),
        "category": SeuCategoryFactory(code="E"),
        "activity": "Read a book on product discovery",
        "seus": Decimal("2"),
    }
    fields.update(overrides)
    return create_seu_entry(**fields)


def field_errors(excinfo):
    return excinfo.value.message_dict


def test_an_entry_dated_today_is_logged(practitioner):
    entry = log(practitioner, earned_on=datetime.date(2026, 3, 1))
    assert SeuEntry.objects.get(pk=entry.pk).seus == Decimal("2")


def test_an_entry_dated_tomorrow_is_refused_beside_the_date(practitioner):
    with pytest.raises(ValidationError) as excinfo:
        log(practitioner, earned_on=datetime.date(2026, 3, 2))
    assert "future" in field_errors(excinfo)["earned_on"][0]
    assert not SeuEntry.objects.exists()


def test_today_is_the_practitioners_today_in_their_time_zone():
    """At noon UTC on 1 March it is already 2 March in Kiritimati (UTC+14)."""
    ahead = PractitionerFactory(time_zone="Pacific/Kiritimati")
    behind = PractitionerFactory(time_zone="Pacific/Pago_Pago")
    assert log(ahead, earned_on=datetime.date(2026, 3, 2)).pk
    with pytest.raises(ValidationError):
        # 1 March noon UTC is 1 March 01:00 in Pago Pago (UTC-11): 2 March is the future.
        log(behind, earned_on=datetime.date(2026, 3, 2))


@pytest.mark.parametrize("seus", ["0", "-1", "0.1", "1.3", "2.125"])
def test_seus_must_be_positive_quarter_hours(practitioner, seus):
    with pytest.raises(ValidationError) as excinfo:
        log(practitioner, seus=Decimal(seus))
    assert "seus" in field_errors(excinfo)
    assert not SeuEntry.objects.exists()


@pytest.mark.parametrize("seus", ["0.25", "0.5", "1.75", "8"])
def test_quarter_hour_steps_are_accepted(practitioner, seus):
    assert log(practitioner, seus=Decimal(seus)).seus == Decimal(seus)


def test_a_day_holds_at_most_eight_seus_over_all_its_entries(practitioner):
    log(practitioner, seus=Decimal("5"))
    log(practitioner, seus=Decimal("3"))
    with pytest.raises(ValidationError) as excinfo:
        log(practitioner, seus=Decimal("0.25"))
    message = field_errors(excinfo)["seus"][0]
    assert "At most 8 SEUs" in message and "0 more fit" in message
    assert SeuEntry.objects.count() == 2


def test_the_daily_cap_is_a_setting(practitioner, settings):
    settings.SEU_DAILY_CAP = Decimal("4")
    log(practitioner, seus=Decimal("3"))
    with pytest.raises(ValidationError):
        log(practitioner, seus=Decimal("1.5"))


def test_a_deployment_with_a_higher_daily_cap_can_log_a_longer_day(practitioner, settings):
    """The cap is only the setting: no second copy of it in the database refuses the row."""
    settings.SEU_DAILY_CAP = Decimal("10")
    assert log(practitioner, seus=Decimal("10")).pk


def test_the_daily_cap_counts_only_the_practitioners_own_entries(practitioner):
    SeuEntryFactory(earned_on=datetime.date(2026, 2, 10), seus=Decimal("8"))
    assert log(practitioner, seus=Decimal("8")).pk


def test_editing_an_entry_does_not_count_its_old_value_against_the_daily_cap(practitioner):
    entry = log(practitioner, seus=Decimal("6"))
    updated = update_seu_entry(entry=entry, seus=Decimal("8"))
    assert updated.seus == Decimal("8")


def test_a_capped_category_refuses_seus_past_its_cap_in_the_window(practitioner, credential):
    capped = SeuCategoryFactory(code="D")
    capped.cap = Decimal("5")
    capped.save()
    log(practitioner, category=capped, seus=Decimal("4"), earned_on=datetime.date(2026, 1, 5))
    with pytest.raises(ValidationError) as excinfo:
        log(practitioner, category=capped, seus=Decimal("2"))
    assert "Category D counts at most 5" in field_errors(excinfo)["seus"][0]
    assert log(practitioner, category=capped, seus=Decimal("1")).pk


def test_a_category_cap_ignores_entries_outside_the_window_and_consumed_ones(
    practitioner, credential, completed_renewal
):
    capped = SeuCategoryFactory(code="D")
    capped.cap = Decimal("5")
    capped.save()
    SeuEntryFactory(practitioner=practitioner, category=capped, earned_on=datetime.date(2025, 5, 1))
    SeuEntryFactory(
        practitioner=practitioner,
        category=capped,
        earned_on=datetime.date(2025, 7, 1),
        consumed_by=completed_renewal,
    )
    assert log(practitioner, category=capped, seus=Decimal("5")).pk


def test_uncapped_categories_have_no_window_limit(practitioner, credential):
    for day in range(1, 6):
        log(practitioner, seus=Decimal("8"), earned_on=datetime.date(2026, 1, day))
    assert SeuEntry.objects.count() == 5


def test_evidence_is_stored_under_a_name_matching_its_content(practitioner, pdf):
    entry = log(practitioner, evidence=pdf)
    assert entry.evidence.name.endswith(".pdf")
    assert entry.evidence.open("rb").read().startswith(b"%PDF")


def test_evidence_that_only_claims_to_be_a_pdf_is_refused(practitioner):
    fake = SimpleUploadedFile("certificate.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationError) as excinfo:
        log(practitioner, evidence=fake)
    assert "PDF, PNG or JPEG" in field_errors(excinfo)["evidence"][0]
    assert not SeuEntry.objects.exists()


def test_evidence_over_the_size_limit_is_refused(practitioner, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"0" * 2000)
    with pytest.raises(ValidationError) as excinfo:
        log(practitioner, evidence=big)
    assert "at most 1.0" in field_errors(excinfo)["evidence"][0]


def test_a_consumed_entry_cannot_be_changed_or_deleted(practitioner, completed_renewal):
    entry = SeuEntryFactory(practitioner=practitioner, consumed_by=completed_renewal)
    with pytest.raises(ValidationError):
        update_seu_entry(entry=entry, activity="Rewritten")
    with pytest.raises(ValidationError):
        delete_seu_entry(entry=entry)
    entry.refresh_from_db()
    assert entry.activity != "Rewritten"


def test_deleting_an_entry_removes_its_evidence_file(
    practitioner, pdf, django_capture_on_commit_callbacks
):
    entry = log(practitioner, evidence=pdf)
    storage, name = entry.evidence.storage, entry.evidence.name
    with django_capture_on_commit_callbacks(execute=True):
        delete_seu_entry(entry=entry)
    assert not SeuEntry.objects.exists()
    assert not storage.exists(name)


def test_replacing_evidence_removes_the_old_file(
    practitioner, pdf, png, django_capture_on_commit_callbacks
):
    entry = log(practitioner, evidence=pdf)
    storage, old_name = entry.evidence.storage, entry.evidence.name
    with django_capture_on_commit_callbacks(execute=True):
        entry = update_seu_entry(entry=entry, evidence=png)
    assert entry.evidence.name.endswith(".png")
    assert storage.exists(entry.evidence.name) and not storage.exists(old_name)


def test_evidence_can_be_removed_from_an_entry(
    practitioner, pdf, django_capture_on_commit_callbacks
):
    entry = log(practitioner, evidence=pdf)
    storage, old_name = entry.evidence.storage, entry.evidence.name
    with django_capture_on_commit_callbacks(execute=True):
        entry = update_seu_entry(entry=entry, remove_evidence=True)
    assert not SeuEntry.objects.get(pk=entry.pk).evidence
    assert not storage.exists(old_name)


def test_every_broken_rule_is_reported_at_once(practitioner):
    with pytest.raises(ValidationError) as excinfo:
        log(practitioner, earned_on=datetime.date(2026, 3, 5), seus=Decimal("9"))
    assert set(field_errors(excinfo)) == {"earned_on", "seus"}
