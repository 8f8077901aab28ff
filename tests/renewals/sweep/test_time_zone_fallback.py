"""A time zone name stored before the field was validated must not stop the daily
sweep or its holder's dashboard: it falls back to settings.TIME_ZONE with a warning."""

import datetime
import logging

import pytest
import time_machine

from certifications import dates
from certifications.models import Practitioner
from renewals.models import Reminder
from renewals.sweep import services as sweep
from tests.factories import credential_expiring

EXPIRES = datetime.date(2026, 6, 30)


@pytest.fixture
def unknown_zone_holder(db):
    dates._zone.cache_clear()  # the warning is logged when a name is first looked up
    credential = credential_expiring(EXPIRES)
    Practitioner.objects.filter(pk=credential.holder_id).update(time_zone="Europe/Atlantis")
    return Practitioner.objects.select_related("user").get(pk=credential.holder_id)


def test_one_unknown_time_zone_does_not_stop_the_sweep_for_everyone(
    unknown_zone_holder, caplog, settings
):
    settings.TIME_ZONE = "UTC"
    other = credential_expiring(EXPIRES)
    with (
        time_machine.travel(datetime.datetime(2026, 6, 10, 12, tzinfo=datetime.UTC), tick=False),
        caplog.at_level(logging.WARNING, logger="certifications.dates"),
    ):
        sweep.run_sweep(dispatch=lambda ids, retry: None)
    claimed = set(Reminder.objects.values_list("cycle__credential__holder_id", flat=True))
    assert claimed == {unknown_zone_holder.pk, other.holder_id}
    assert "Unknown time zone 'Europe/Atlantis'; using UTC instead" in caplog.text


def test_the_dashboard_of_a_holder_with_an_unknown_time_zone_still_loads(
    unknown_zone_holder, client
):
    client.force_login(unknown_zone_holder.user)
    with time_machine.travel(datetime.datetime(2026, 6, 10, 12, tzinfo=datetime.UTC)):
        response = client.get("/")
    assert response.status_code == 200
    assert "CSPO" in response.content.decode()
