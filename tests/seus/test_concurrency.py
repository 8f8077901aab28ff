"""Two requests logging SEUs for the same day at once cannot both slip under the cap."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from seus.models import SeuEntry
from seus.services import create_seu_entry
from tests.factories import PractitionerFactory, SeuCategoryFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def test_concurrent_entries_for_one_day_respect_the_daily_cap():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers anyway")
    practitioner = PractitionerFactory()
    category = SeuCategoryFactory(code="E")
    barrier = threading.Barrier(2)
    outcomes = []

    def log():
        try:
            barrier.wait()
            create_seu_entry(
                practitioner=practitioner,
                earned_on=datetime.date(2026, 1, 10),
                category=category,
                activity="Workshop",
                seus=Decimal("5"),
            )
            outcomes.append("saved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=log) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "saved"]
    assert SeuEntry.objects.filter(practitioner=practitioner).count() == 1
