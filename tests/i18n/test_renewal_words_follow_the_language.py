"""What the renewal side builds in Python (the dashboard's next step, calendar events)
comes from the catalogs of the active language, counts included."""

import datetime

import pytest
import time_machine
from django.utils import translation
from django.utils.translation import trans_real

from practitioners.calendar import calendar_events
from practitioners.dashboard import dashboard_cards
from renewals.models import ReminderOffset
from tests.factories import CredentialFactory

pytestmark = pytest.mark.django_db

GERMAN = {
    "Log %(seus)s before %(deadline)s": "Bis %(deadline)s: %(seus)s eintragen",
}
GERMAN_PLURALS = {
    "%(number)s more SEU": ("noch %(number)s SEU", "noch %(number)s SEUs"),
}


class Catalog:
    """A stand-in for a compiled catalog: the words above, English for the rest."""

    def __init__(self, language, words, plurals):
        self.language, self.words, self.plurals = language, words, plurals

    def gettext(self, message):
        return self.words.get(message, message)

    def ngettext(self, singular, plural, number):
        if singular in self.plurals:
            one, many = self.plurals[singular]
            return one if number == 1 else many
        return singular if number == 1 else plural

    def to_language(self):
        return self.language


@pytest.fixture
def german(monkeypatch):
    monkeypatch.setitem(trans_real._translations, "de", Catalog("de", GERMAN, GERMAN_PLURALS))
    with translation.override("de"):
        yield


@time_machine.travel(datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_a_holder_reads_the_next_step_on_their_card_in_their_language(practitioner, german):
    CredentialFactory(holder=practitioner, issued_on=datetime.date(2025, 6, 1))
    [card] = dashboard_cards(practitioner)
    assert card.next_action.startswith("Bis ")
    assert card.next_action.endswith(": noch 20 SEUs eintragen")


@time_machine.travel(datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_a_reminder_the_day_before_expiry_reads_one_day_not_one_days(practitioner):
    ReminderOffset.objects.create(code="eve", days_before_expiry=1, is_optional=True)
    CredentialFactory(holder=practitioner, issued_on=datetime.date(2025, 6, 1))
    summaries = {summary for _uid, _on, summary, _about in calendar_events(practitioner)}
    assert "CSPO renewal: 1 day to expiry" in summaries
    assert "CSPO renewal: 90 days to expiry" in summaries
