"""A holder with personal data in every app, and a neighbour whose data must stay
(tests/holders.py makes them), at a fixed moment."""

import pytest
import time_machine

from tests.factories import EVIDENCE_PDF, EVIDENCE_PNG, StaffFactory
from tests.holders import NOW, D, make_holder, webhook_event, webhook_subscription

__all__ = ["NOW", "D", "PDF", "PNG", "webhook_event", "webhook_subscription"]

PDF = EVIDENCE_PDF
PNG = EVIDENCE_PNG


@pytest.fixture(autouse=True)
def _fixed_now(request):
    if "live_server" in request.fixturenames:
        yield
        return
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def staff_member(db):
    return StaffFactory(first_name="Sam", last_name="Staff")


@pytest.fixture
def organisation_subscription(staff_member):
    """Staff's subscription to every practitioner's events (a CRM)."""
    return webhook_subscription(
        staff_member, scope="organisation", url="https://crm.example.org/in"
    )


@pytest.fixture
def ada(staff_member, organisation_subscription):
    return make_holder(
        "Ada",
        "Lovelace",
        "ada@example.com",
        staff=staff_member,
        organisation_subscription=organisation_subscription,
    )


@pytest.fixture
def bob(staff_member, organisation_subscription):
    return make_holder(
        "Bob",
        "Neighbour",
        "bob@example.com",
        staff=staff_member,
        organisation_subscription=organisation_subscription,
    )
