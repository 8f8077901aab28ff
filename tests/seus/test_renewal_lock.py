"""Entries counted by a renewal in progress are locked until it completes or is rejected,
so a fee-confirmed renewal can never be left short (review finding F2)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from renewals import services as renewals
from renewals.models import Renewal
from seus.models import SeuEntry
from seus.services import delete_seu_entry, update_seu_entry
from tests.factories import StaffFactory, seus_for

D = datetime.date
LOCKED = "counts toward your renewal in progress"


@pytest.fixture
def renewal(practitioner, credential):
    for day, seus in ((15, 8), (16, 8), (17, 4)):  # within the daily cap
        seus_for(practitioner, seus, earned_on=D(2026, 1, day))
    return renewals.submit_renewal(
        practitioner=practitioner, credentials=[credential], payment_reference="PAY-1"
    )


def test_an_entry_counted_by_the_renewal_in_progress_cannot_be_changed_or_deleted(
    practitioner, renewal
):
    entry = practitioner.seu_entries.first()
    with pytest.raises(ValidationError, match=LOCKED):
        update_seu_entry(entry=entry, seus=entry.seus - 1)
    with pytest.raises(ValidationError, match=LOCKED):
        update_seu_entry(entry=entry, earned_on=D(2024, 1, 1))
    with pytest.raises(ValidationError, match=LOCKED):
        delete_seu_entry(entry=entry)
    assert SeuEntry.objects.filter(practitioner=practitioner).count() == 3


def test_entries_outside_the_window_stay_editable_while_a_renewal_is_in_progress(
    practitioner, renewal
):
    [old] = seus_for(practitioner, 2, earned_on=D(2025, 1, 10))  # before the window
    assert update_seu_entry(entry=old, activity="Renamed").activity == "Renamed"
    delete_seu_entry(entry=old)
    assert not SeuEntry.objects.filter(pk=old.pk).exists()


def test_a_rejected_renewal_unlocks_its_entries(practitioner, renewal):
    renewals.reject_fee(renewal=renewal, by=StaffFactory(), reason="Unknown reference")
    entry = practitioner.seu_entries.first()
    assert update_seu_entry(entry=entry, activity="Renamed").activity == "Renamed"


def test_the_renewal_still_completes_after_the_practitioner_tried_to_delete_its_seus(
    practitioner_client, renewal
):
    entry = practitioner_client.practitioner.seu_entries.first()
    response = practitioner_client.post(reverse("seus:delete", args=[entry.pk]), follow=True)
    assert LOCKED in response.text and SeuEntry.objects.filter(pk=entry.pk).exists()
    done = renewals.confirm_fee(renewal=renewal, by=StaffFactory())
    assert done.status == Renewal.Status.COMPLETED
    assert set(SeuEntry.objects.values_list("consumed_by", flat=True)) == {renewal.pk}


def test_the_edit_form_shows_why_a_counted_entry_cannot_change(practitioner_client, renewal):
    entry = practitioner_client.practitioner.seu_entries.first()
    response = practitioner_client.post(
        reverse("seus:update", args=[entry.pk]),
        {
            "earned_on": "2026-01-15",
            "category": entry.category_id,
            "activity": "Changed",
            "seus": "1",
        },
    )
    assert response.status_code == 200 and LOCKED in response.text
    entry.refresh_from_db()
    assert (entry.activity, entry.seus) != ("Changed", 1)


def test_the_list_marks_counted_entries_and_offers_no_edit_or_delete(practitioner_client, renewal):
    entry = practitioner_client.practitioner.seu_entries.first()
    page = practitioner_client.get(reverse("seus:list")).text
    assert "Counted by your renewal in progress" in page
    assert reverse("seus:update", args=[entry.pk]) not in page
    assert reverse("seus:delete", args=[entry.pk]) not in page
