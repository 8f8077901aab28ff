"""The expiry-day reminder is always sent (docs/domain.md, "Expiry")."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from renewals.models import ReminderOffset


@pytest.fixture
def expiry_day(db):
    return ReminderOffset.objects.get(days_before_expiry=0)


@pytest.mark.parametrize("change", [{"is_optional": True}, {"is_active": False}])
def test_the_database_refuses_an_optional_or_inactive_expiry_day_reminder(expiry_day, change):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderOffset.objects.filter(pk=expiry_day.pk).update(**change)


def test_the_database_refuses_a_second_expiry_day_offset_that_is_optional(expiry_day):
    ReminderOffset.objects.filter(pk=expiry_day.pk).update(days_before_expiry=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderOffset.objects.create(code="today", days_before_expiry=0, is_optional=True)


def test_other_offsets_can_be_made_optional_or_switched_off(db):
    thirty = ReminderOffset.objects.get(days_before_expiry=30)
    ReminderOffset.objects.filter(pk=thirty.pk).update(is_optional=True, is_active=False)
    thirty.refresh_from_db()
    assert (thirty.is_optional, thirty.is_active) == (True, False)


def test_admin_shows_the_expiry_day_row_read_only_and_ignores_a_posted_change(
    staff_client, expiry_day
):
    url = reverse("admin:renewals_reminderoffset_change", args=[expiry_day.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    assert 'name="is_active"' not in page.text and 'name="is_optional"' not in page.text
    assert 'name="days_before_expiry"' not in page.text
    staff_client.post(
        url,
        {"code": expiry_day.code, "days_before_expiry": 5, "is_optional": "on", "is_active": ""},
    )
    expiry_day.refresh_from_db()
    assert (expiry_day.days_before_expiry, expiry_day.is_optional, expiry_day.is_active) == (
        0,
        False,
        True,
    )
    delete = reverse("admin:renewals_reminderoffset_delete", args=[expiry_day.pk])
    assert staff_client.get(delete).status_code == 403


def test_admin_lets_staff_edit_the_other_offsets(staff_client, db):
    thirty = ReminderOffset.objects.get(days_before_expiry=30)
    url = reverse("admin:renewals_reminderoffset_change", args=[thirty.pk])
    assert 'name="is_active"' in staff_client.get(url).text
    staff_client.post(url, {"code": thirty.code, "days_before_expiry": 30, "is_optional": "on"})
    thirty.refresh_from_db()
    assert thirty.is_active is False
