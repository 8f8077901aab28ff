"""Notifications: reminder settings per kind (the expiry-day notice stays
mandatory, exactly-once still holds) and the list of every email sent to the holder."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from cspo_tracker.outbox.models import OutboundEmail
from renewals import tasks
from renewals.models import Reminder, ReminderOffset
from renewals.reminders import notifications
from tests.factories import PractitionerFactory, credential_expiring

D = datetime.date
EXPIRES = D(2026, 6, 30)


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    def run(day):
        when = datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.UTC)
        with (
            time_machine.travel(when, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return tasks.daily_sweep.delay().get()

    return run


def offset(code):
    return ReminderOffset.objects.get(code=code)


def test_a_kind_turned_off_is_skipped_once_and_the_others_still_go_out(db, sweep):
    credential = credential_expiring(EXPIRES)
    holder = credential.holder
    keep = [o.pk for o in ReminderOffset.objects.filter(is_optional=True)]
    keep.remove(offset("60-days-before").pk)
    notifications.set_reminder_kinds(practitioner=holder, wanted_offset_ids=keep)

    sweep(EXPIRES - datetime.timedelta(days=60))
    sweep(EXPIRES - datetime.timedelta(days=60))
    assert mail.outbox == []
    assert Reminder.objects.get(offset__code="60-days-before").status == "skipped"
    # Turned back on, the skipped one is not sent late: exactly once per kind and cycle.
    notifications.set_reminder_kinds(
        practitioner=holder, wanted_offset_ids=[*keep, offset("60-days-before").pk]
    )
    sweep(EXPIRES - datetime.timedelta(days=60))
    assert mail.outbox == []
    sweep(EXPIRES - datetime.timedelta(days=30))
    assert len(mail.outbox) == 1


def test_the_expiry_day_notice_cannot_be_turned_off(db, sweep):
    credential = credential_expiring(EXPIRES)
    notifications.set_reminder_kinds(practitioner=credential.holder, wanted_offset_ids=[])
    sweep(EXPIRES)
    assert Reminder.objects.get(offset__code="expiry-day").status == "sent"
    assert len(mail.outbox) == 1


def test_the_settings_page_saves_kinds_and_lists_the_emails_sent(practitioner_client):
    me = practitioner_client.practitioner
    url = reverse("notifications")
    page = practitioner_client.get(url).content.decode()
    assert "On the expiry day (always sent)" in page and "90 days before expiry" in page
    wanted = [offset("90-days-before").pk, offset("7-days-before").pk]
    practitioner_client.post(url, {"kind": [str(pk) for pk in wanted]})
    kinds = {o.code: on for o, on in notifications.reminder_kinds(me)}
    assert kinds == {
        "90-days-before": True,
        "60-days-before": False,
        "30-days-before": False,
        "7-days-before": True,
        "expiry-day": True,
        "30-days-after": False,
    }
    OutboundEmail.objects.create(
        template="welcome", to=me.email, subject="Welcome, Ada", body_text=".", key="a"
    )
    OutboundEmail.objects.create(
        template="welcome", to="someone@else.org", subject="Not yours", body_text=".", key="b"
    )
    page = practitioner_client.get(url).content.decode()
    assert "Welcome, Ada" in page and "Not yours" not in page


@pytest.mark.parametrize("count", [1, 60])
def test_the_history_reads_in_a_fixed_number_of_queries(
    practitioner_client, django_assert_max_num_queries, count
):
    me = practitioner_client.practitioner
    OutboundEmail.objects.bulk_create(
        OutboundEmail(template="x", to=me.email, subject=f"Email {i}", body_text=".", key=f"k{i}")
        for i in range(count)
    )
    with django_assert_max_num_queries(10):
        page = practitioner_client.get(reverse("notifications")).content.decode()
    assert page.count('class="card mb-2"') == min(count, 50)


def test_another_holders_settings_are_untouched(db):
    a, b = PractitionerFactory(), PractitionerFactory()
    notifications.set_reminder_kinds(practitioner=a, wanted_offset_ids=[])
    assert all(on for _o, on in notifications.reminder_kinds(b))
