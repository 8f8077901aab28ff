"""A sweep chunk's reminders are rendered per chunk (one renderer per language): each
email reads exactly as the one-by-one send writes it, and still goes out once."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from certifications.models import Credential
from cspo_tracker.outbox.emails import EmailRenderer
from cspo_tracker.outbox.models import OutboundEmail
from renewals.models import Reminder
from renewals.reminders import services as reminders
from renewals.sweep import services as sweep
from tests.factories import PractitionerFactory, UserFactory, credential_expiring

NOW = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)
TODAY = NOW.date()
# Days to expiry that reach each shipped offset: 90, 60, 30, 7, the expiry day (always
# sent), and past it (-30: in grace).
DAYS = [90, 60, 30, 7, 0, -30, 45, 3]


@pytest.fixture
def claimed(db, monkeypatch):
    """Reminders claimed by the sweep for holders of several programs, time zones and
    names (one without a name); the unsubscribe tokens' nonce fixed, so two renderings
    of the same email can be compared."""
    for i, days in enumerate(DAYS):
        user = UserFactory(first_name="" if i == 3 else f"Holder{i}", last_name="O'Brien & Co")
        holder = PractitionerFactory(
            user=user, time_zone=("Europe/Berlin", "Pacific/Auckland", "UTC")[i % 3]
        )
        credential_expiring(
            TODAY + datetime.timedelta(days=days),
            program=("CSPO", "A-CSPO", "CSM")[i % 3],
            holder=holder,
        )
    ids = list(Credential.objects.order_by("pk").values_list("pk", flat=True))
    with time_machine.travel(NOW, tick=False):
        _result, to_send = sweep.sweep_chunk(sweep.SweepPlan.read(now=NOW), ids[0], ids[-1])
    monkeypatch.setattr(reminders.secrets, "token_hex", lambda n: "0" * (2 * n))
    return to_send


def _emails():
    return {
        e.key: (e.to, e.subject, e.body_text, e.body_html, e.unsubscribe_url)
        for e in OutboundEmail.objects.all()
    }


def test_a_chunks_emails_read_exactly_as_one_by_one(claimed, django_capture_on_commit_callbacks):
    reminder_ids = list(Reminder.objects.order_by("pk").values_list("pk", flat=True))
    offsets = set(Reminder.objects.values_list("offset__days_before_expiry", flat=True))
    assert {0, -30, 7, 30}.issubset(offsets), "several offsets, the expiry day among them"
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks():
        reminders.send_reminders(reminder_ids, now=NOW)
    per_chunk = _emails()
    assert len(per_chunk) == len(reminder_ids) >= 6

    OutboundEmail.objects.all().delete()
    Reminder.objects.update(status=Reminder.Status.PENDING, attempts=0, sent_at=None)
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks():
        for pk in reminder_ids:
            reminders.send_reminder(reminder_id=pk, now=NOW)
    one_by_one = _emails()

    assert per_chunk == one_by_one
    assert any(e[4] for e in per_chunk.values()), "optional reminders carry a link"
    assert any(not e[4] for e in per_chunk.values()), "the expiry-day one does not"
    assert any(
        "O&#x27;Brien &amp; Co" in e[3] and "O'Brien & Co" in e[2] for e in per_chunk.values()
    )


def test_each_holder_is_written_to_in_their_own_language(claimed, monkeypatch):
    german = set(
        Reminder.objects.values_list("cycle__credential__holder__user__email", flat=True)[:3]
    )
    monkeypatch.setattr(
        reminders,
        "recipient_language",
        lambda holder: "de" if holder.email in german else "en-us",
    )
    spoken = {}
    render = EmailRenderer.render

    def recording(self, context):
        spoken[context["practitioner"].email] = translation.get_language()
        return render(self, context)

    monkeypatch.setattr(EmailRenderer, "render", recording)
    with time_machine.travel(NOW, tick=False):
        reminders.send_reminders(list(Reminder.objects.values_list("pk", flat=True)), now=NOW)
    assert spoken and all(
        language == ("de" if email in german else "en-us") for email, language in spoken.items()
    )


def test_a_reminder_already_in_the_outbox_is_not_written_twice(claimed):
    first, *rest = Reminder.objects.order_by("pk").values_list("pk", flat=True)
    OutboundEmail.objects.create(key=f"reminder:{first}", to="x@example.com", subject="Sent")
    with time_machine.travel(NOW, tick=False):
        outcomes = reminders.send_reminders([first, *rest], now=NOW)
    assert set(outcomes.values()) == {reminders.Outcome.SENT}
    assert OutboundEmail.objects.filter(key=f"reminder:{first}").get().subject == "Sent"
    assert OutboundEmail.objects.count() == 1 + len(rest)


def test_the_unsubscribe_link_is_the_one_reverse_makes(db, settings):
    holder = PractitionerFactory()
    links = reminders.ReminderLinks.read()
    for token in [reminders.unsubscribe_token(holder), "a token reverse() quotes: ?#%"]:
        expected = settings.SITE_URL + reverse("renewals:unsubscribe", args=[token])
        assert links.unsubscribe_url(token) == expected
