"""A practitioner's dashboard and SEU log are kept once rendered, and every
change to what they show is seen at the next visit, whoever or whatever made it."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse

from certifications.models import Program
from renewals import services
from renewals.models import Renewal
from tests.factories import CredentialFactory, PractitionerFactory, SeuEntryFactory, StaffFactory

pytestmark = pytest.mark.django_db

D = datetime.date
NOON = datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC)
PAGES = ["dashboard", "seus:list"]
on_postgres = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="needs PostgreSQL row versions (DATABASE_URL=postgres://...)",
)


@pytest.fixture(autouse=True)
def _fixed_now():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def me(practitioner_client):
    holder = practitioner_client.practitioner
    CredentialFactory(holder=holder, issued_on=D(2025, 6, 1))
    SeuEntryFactory(practitioner=holder, earned_on=D(2026, 1, 10), seus=Decimal("6"))
    return holder


def visit(client, name, query=""):
    response = client.get(reverse(name) + query)
    assert response.status_code == 200
    return response


def rendered(response):
    return bool(response.templates)


def nonce_of(response):
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)


@on_postgres
@pytest.mark.parametrize("name", PAGES)
def test_a_second_visit_is_not_rendered_again_and_gets_its_own_nonce_and_token(
    practitioner_client, me, name, django_assert_max_num_queries
):
    first = visit(practitioner_client, name)
    with django_assert_max_num_queries(5):  # session, user, roles, profile, fingerprint
        second = visit(practitioner_client, name)
    assert rendered(first) and not rendered(second)
    assert nonce_of(first) != nonce_of(second)
    page = second.content.decode()
    assert f'nonce="{nonce_of(second)}"' in page and "\ue000" not in page
    assert "6 / 20" in page


@pytest.mark.parametrize("name", PAGES)
def test_the_kept_page_s_forms_post_with_the_visitor_s_own_token(me, name):
    """The log-out form of a kept page carries a CSRF token the visiting session
    accepts: a second session of the same user (another browser) is served the page
    the first one rendered, with a token of its own, never the first one's."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for client in (first, second):
        client.force_login(me.user)
    assert rendered(visit(first, name))
    served = visit(second, name)
    # Pages are kept on PostgreSQL (row versions); there the second visit is the kept copy.
    assert rendered(served) is (connection.vendor != "postgresql")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', served.content.decode())
    response = second.post(reverse("account_logout"), {"csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302
    assert "_auth_user_id" not in second.session
    assert "_auth_user_id" in first.session


@pytest.mark.parametrize("name", PAGES)
def test_an_seu_logged_shows_at_the_next_visit(practitioner_client, me, name):
    visit(practitioner_client, name)
    SeuEntryFactory(practitioner=me, earned_on=D(2026, 2, 1), seus=Decimal("5"), activity="Gemba")
    page = visit(practitioner_client, name).content.decode()
    assert "11 / 20" in page and "6 / 20" not in page


def test_changes_written_by_bulk_sql_show_at_the_next_visit(practitioner_client, me):
    """A fee confirmed and a program renamed with bulk updates (no signal, no model
    save) show at the next visit."""
    credential = me.credentials.get()
    visit(practitioner_client, "dashboard")
    SeuEntryFactory(practitioner=me, earned_on=D(2026, 2, 1), seus=Decimal("8"))
    SeuEntryFactory(practitioner=me, earned_on=D(2026, 2, 2), seus=Decimal("8"))
    renewal = services.submit_renewal(
        practitioner=me, credentials=[credential], payment_reference="PAY-9"
    )
    visit(practitioner_client, "dashboard")
    Renewal.objects.filter(pk=renewal.pk).update(fee_status=Renewal.FeeStatus.CONFIRMED)
    page = visit(practitioner_client, "dashboard").content.decode()
    assert "US$100 paid" in page
    Program.objects.filter(pk=credential.program_id).update(name="Certified Scrum Owner of Things")
    assert (
        "Certified Scrum Owner of Things"
        in visit(practitioner_client, "dashboard").content.decode()
    )


def test_the_next_day_shows_at_the_next_visit(practitioner_client, me):
    """Twenty minutes apart (the kept page has not aged out), across midnight."""
    late = datetime.datetime(2026, 3, 2, 23, 50, tzinfo=datetime.UTC)
    with time_machine.travel(late, tick=False):
        assert ">456<" in visit(practitioner_client, "dashboard").content.decode()  # to 1 Jun 2027
    with time_machine.travel(late + datetime.timedelta(minutes=20), tick=False):
        assert ">455<" in visit(practitioner_client, "dashboard").content.decode()


def test_a_new_time_zone_shows_at_the_next_visit(practitioner_client, me):
    """Late on 2 Mar in UTC is already 3 Mar in Auckland: one day less left."""
    with time_machine.travel(datetime.datetime(2026, 3, 2, 20, tzinfo=datetime.UTC), tick=False):
        assert ">456<" in visit(practitioner_client, "dashboard").content.decode()
        type(me).objects.filter(pk=me.pk).update(time_zone="Pacific/Auckland")
        assert ">455<" in visit(practitioner_client, "dashboard").content.decode()


def test_a_message_shows_once_then_the_page_is_kept_again(practitioner_client, me):
    visit(practitioner_client, "seus:list")
    response = practitioner_client.post(
        reverse("seus:create"),
        {
            "earned_on": "2026-02-10",
            "category": me.seu_entries.get().category_id,
            "activity": "Product discovery meetup",
            "provider": "Meetup",
            "seus": "2",
        },
        follow=True,
    )
    assert "Logged 2 SEUs: Product discovery meetup." in response.content.decode()
    again = visit(practitioner_client, "seus:list").content.decode()
    assert "Product discovery meetup" in again and "Logged 2 SEUs" not in again


def test_someone_else_never_gets_my_page(me):
    mine, theirs = Client(), Client()
    mine.force_login(me.user)
    other = PractitionerFactory(user__email="other@example.com")
    theirs.force_login(other.user)
    for name in PAGES:
        visit(mine, name)
        page = visit(theirs, name).content.decode()
        assert "other@example.com" in page and me.user.email not in page


@on_postgres
def test_each_page_and_filter_of_the_seu_log_is_kept_apart(practitioner_client, me, settings):
    settings.SEU_LIST_PAGE_SIZE = 1
    SeuEntryFactory(practitioner=me, earned_on=D(2026, 2, 1), activity="Second entry")
    first = visit(practitioner_client, "seus:list").content.decode()
    second = visit(practitioner_client, "seus:list", "?page=2").content.decode()
    assert "Second entry" in first and "Second entry" not in second
    assert not rendered(visit(practitioner_client, "seus:list", "?page=2"))


def test_a_staff_member_acting_as_practitioner_is_kept_apart_from_their_console(me):
    """The role chosen in the session is in the key: staff land on their console."""
    staff = StaffFactory()
    client = Client()
    client.force_login(staff)
    assert client.get(reverse("dashboard")).status_code == 302
    client.post(reverse("switch_role"), {"role": "practitioner"})
    assert visit(client, "dashboard").status_code == 200


@on_postgres
def test_with_the_setting_off_every_visit_renders(practitioner_client, me, settings):
    settings.OWN_PAGES_KEPT = False
    visit(practitioner_client, "dashboard")
    assert rendered(visit(practitioner_client, "dashboard"))


def test_on_a_database_without_row_versions_every_visit_renders(practitioner_client, me):
    if connection.vendor == "postgresql":
        pytest.skip("the embedded default (SQLite) path")
    visit(practitioner_client, "dashboard")
    assert rendered(visit(practitioner_client, "dashboard"))
