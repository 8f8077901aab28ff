"""/verify/<number>/ is kept for visitors without a session, and every change
to what it shows is seen at the next visit."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from certifications.models import Program
from certifications.services import update_profile
from certifications.vc.services import revoke_credential
from renewals.sweep.services import run_sweep
from tests.factories import CredentialFactory, StaffFactory

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC)


def cold_visit(number):
    """A visitor with no cookies at all (an employer opening a shared link)."""
    response = Client().get(reverse("verify_credential", args=[number]))
    assert response.status_code == 200
    return response


def nonce_of(response):
    header = response["Content-Security-Policy"]
    return re.search(r"'nonce-([^']+)'", header).group(1)


@pytest.fixture
def credential():
    return CredentialFactory(
        holder__user__first_name="Ada",
        holder__user__last_name="Lovelace",
        issued_on=datetime.date(2025, 6, 1),
    )


@time_machine.travel(NOON)
def test_a_second_cold_visit_is_not_rendered_again_and_gets_its_own_nonce(
    credential, django_assert_num_queries
):
    first = cold_visit(credential.certificate_number)
    with django_assert_num_queries(1):
        second = cold_visit(credential.certificate_number)
    assert [t.name for t in first.templates][0] == "certifications/verify.html"
    assert second.templates == []
    assert nonce_of(first) != nonce_of(second)
    for response in (first, second):
        page = response.content.decode()
        assert f'nonce="{nonce_of(response)}"' in page
        assert "\ue000" not in page
        assert "Ada Lovelace" in page and 'data-status="active"' in page
    assert first.content.decode().replace(nonce_of(first), "") == second.content.decode().replace(
        nonce_of(second), ""
    )


@time_machine.travel(NOON)
def test_a_revocation_shows_at_the_next_visit(credential):
    cold_visit(credential.certificate_number)
    revoke_credential(credential=credential, by=StaffFactory(), reason="Fraud")
    assert 'data-status="revoked"' in cold_visit(credential.certificate_number).content.decode()


@time_machine.travel(NOON)
def test_a_new_name_shows_at_the_next_visit(credential):
    cold_visit(credential.certificate_number)
    holder = credential.holder
    update_profile(
        practitioner=holder,
        first_name="Augusta",
        last_name="King",
        time_zone=holder.time_zone,
        optional_reminders=True,
    )
    page = cold_visit(credential.certificate_number).content.decode()
    assert "Augusta King" in page and "Ada Lovelace" not in page


@time_machine.travel(NOON)
def test_a_renamed_program_shows_at_the_next_visit(credential):
    cold_visit(credential.certificate_number)
    Program.objects.filter(pk=credential.program_id).update(name="Certified Scrum Owner")
    assert (
        "Certified Scrum Owner (CSPO)" in cold_visit(credential.certificate_number).content.decode()
    )


def test_the_day_of_expiry_passing_shows_expired_at_once(credential):
    """Twenty minutes apart (the kept page has not aged out), across midnight."""
    last_day = datetime.datetime(2027, 6, 1, 23, 50, tzinfo=datetime.UTC)
    with time_machine.travel(last_day):
        assert 'data-status="active"' in cold_visit(credential.certificate_number).content.decode()
    with time_machine.travel(last_day + datetime.timedelta(minutes=20)):
        assert 'data-status="expired"' in cold_visit(credential.certificate_number).content.decode()


def test_a_lapse_the_sweep_stores_shows_the_same_day(credential):
    end_of_grace = credential.expires_on + datetime.timedelta(days=credential.program.grace_days)
    moment = datetime.datetime.combine(end_of_grace, datetime.time(12), datetime.UTC)
    with time_machine.travel(moment + datetime.timedelta(days=1)):
        before = cold_visit(credential.certificate_number).content.decode()
        run_sweep()
        after = cold_visit(credential.certificate_number).content.decode()
    assert "data-lapsed" not in before
    assert "data-lapsed" in after


@time_machine.travel(NOON)
def test_the_holder_signed_in_still_gets_their_download_buttons(credential, client):
    cold_visit(credential.certificate_number)
    client.force_login(credential.holder.user)
    page = client.get(reverse("verify_credential", args=[credential.certificate_number]))
    assert "Download your PDF certificate" in page.content.decode()
