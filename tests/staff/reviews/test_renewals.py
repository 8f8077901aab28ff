import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from cspo_tracker.outbox.models import OutboundEmail
from renewals import services
from renewals.sweep import services as sweep
from tests.factories import PractitionerFactory, credential_expiring, seus_for

D = datetime.date
STAFF = reverse("staff_renewals")


@pytest.fixture
def today():
    with time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC), tick=False):
        yield D(2026, 6, 1)


def test_practitioners_get_403_on_the_staff_pages_not_the_admin_login(practitioner_client):
    assert practitioner_client.get(STAFF).status_code == 403
    assert practitioner_client.get(reverse("staff_renewals_expiring_csv")).status_code == 403
    assert practitioner_client.post(reverse("staff_confirm_fee", args=[1])).status_code == 403
    assert practitioner_client.post(reverse("staff_reject_fee", args=[1])).status_code == 403
    assert practitioner_client.post(reverse("staff_approve_renewal", args=[1])).status_code == 403


def test_anonymous_visitors_are_sent_to_the_site_login_for_the_staff_pages(client):
    response = client.get(STAFF)
    assert response.status_code == 302 and "/admin/" not in response["Location"]


def test_staff_see_what_each_expiring_credential_misses_in_30_60_or_90_days(staff_browser, today):
    soon = credential_expiring(D(2026, 6, 20))
    seus_for(soon.holder, 14, earned_on=D(2026, 1, 5))
    later = credential_expiring(D(2026, 8, 20))
    far = credential_expiring(D(2026, 12, 1))
    page = staff_browser.get(STAFF, {"within": 30})
    assert soon.certificate_number in page.text and "6 SEUs and the US$100 fee" in page.text
    assert later.certificate_number not in page.text
    ninety = staff_browser.get(STAFF, {"within": 90}).text
    assert later.certificate_number in ninety and far.certificate_number not in ninety
    assert staff_browser.get(STAFF, {"within": "abc"}).status_code == 200


def test_the_expiring_list_exports_as_csv(staff_browser, today):
    credential = credential_expiring(D(2026, 6, 20))
    response = staff_browser.get(reverse("staff_renewals_expiring_csv"), {"within": 30})
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["certificate_number"] for r in rows] == [credential.certificate_number]
    assert rows[0]["missing"] == "20 SEUs and the US$100 fee"
    assert rows[0]["status"] == "renewal_due"


def test_the_expiring_csv_defuses_formulas_in_email_addresses(staff_browser, today):
    """Certificate numbers cannot look like formulas any more (their alphabet is letters,
    digits and hyphens, enforced by the database); an email address still can."""
    holder = PractitionerFactory(user__email="=1+2@example.com")
    credential_expiring(D(2026, 6, 20), holder=holder, certificate_number="CMD-1")
    response = staff_browser.get(reverse("staff_renewals_expiring_csv"), {"within": 30})
    [row] = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert row["certificate_number"] == "CMD-1"
    assert row["holder_email"] == "'=1+2@example.com"


def test_staff_see_renewals_awaiting_fee_confirmation_and_emails_that_failed(staff_browser, today):
    holder = PractitionerFactory()
    credential = credential_expiring(D(2026, 7, 1), holder=holder)
    seus_for(holder, 20)
    services.submit_renewal(
        practitioner=holder, credentials=[credential], payment_reference="REF-77"
    )
    other = credential_expiring(D(2026, 6, 25))
    sweep.run_sweep()  # the reminder is written to the outbox; its send then fails
    OutboundEmail.objects.filter(to=other.holder.email).update(
        status="failed", attempts=10, last_error="451 busy"
    )
    page = staff_browser.get(STAFF).text
    assert "REF-77" in page and "Confirm fee" in page
    assert "451 busy" in page and other.holder.email in page


@pytest.mark.parametrize("count", [3, 30])
def test_the_staff_page_query_count_does_not_grow_with_the_data(
    staff_browser, today, django_assert_max_num_queries, count
):
    from tests.factories import StaffFactory

    staff = StaffFactory()
    for i in range(count):
        holder = PractitionerFactory()
        credential = credential_expiring(
            D(2026, 6, 2) + datetime.timedelta(days=i % 80), holder=holder
        )
        seus_for(holder, 20)
        if i % 3 == 0:
            services.submit_renewal(
                practitioner=holder, credentials=[credential], payment_reference=f"R{i}"
            )
        if i % 3 == 1:  # fee confirmed, but short of SEUs: listed as not completed
            renewal = services.submit_renewal(
                practitioner=holder, credentials=[credential], payment_reference=f"H{i}"
            )
            holder.seu_entries.filter(seus=4).delete()
            services.confirm_fee(renewal=renewal, by=staff)
    sweep.run_sweep(dispatch=lambda ids, r: None)
    # 22 for the page (each paginated list counts its rows), plus one for the
    # two-factor check before every staff page.
    with django_assert_max_num_queries(23):
        assert staff_browser.get(STAFF).status_code == 200


def test_a_staff_action_on_a_renewal_that_does_not_exist_answers_404(staff_browser):
    assert staff_browser.post(reverse("staff_confirm_fee", args=[999])).status_code == 404
    assert staff_browser.get(reverse("staff_confirm_fee", args=[1])).status_code == 404


def test_confirming_a_fee_twice_says_so_and_changes_nothing(staff_browser, today):
    holder = PractitionerFactory()
    credential = credential_expiring(D(2026, 7, 1), holder=holder)
    seus_for(holder, 20)
    renewal = services.submit_renewal(
        practitioner=holder, credentials=[credential], payment_reference="R"
    )
    staff_browser.post(reverse("staff_confirm_fee", args=[renewal.pk]))
    again = staff_browser.post(reverse("staff_confirm_fee", args=[renewal.pk]), follow=True)
    assert "not awaiting confirmation" in again.text
    credential.refresh_from_db()
    assert credential.expires_on == D(2028, 7, 1)


def test_practitioners_see_their_renewals(practitioner_client, today):
    holder = practitioner_client.practitioner
    credential = credential_expiring(D(2026, 7, 1), holder=holder)
    seus_for(holder, 20)
    services.submit_renewal(
        practitioner=holder, credentials=[credential], payment_reference="MINE-1"
    )
    page = practitioner_client.get(reverse("renewals:mine")).text
    assert "MINE-1" in page and "Awaiting confirmation" in page


def test_staff_see_a_fee_confirmed_renewal_that_could_not_complete_with_the_reason(
    staff_browser, today
):
    from renewals.models import Renewal, RenewalCycle
    from seus.models import SeuEntry

    holder = PractitionerFactory()
    credential = credential_expiring(D(2026, 7, 1), holder=holder)
    seus_for(holder, 20)
    renewal = services.submit_renewal(
        practitioner=holder, credentials=[credential], payment_reference="HELD-1"
    )
    SeuEntry.objects.filter(practitioner=holder, seus=4).delete()  # e.g. removed in the admin
    confirm = staff_browser.post(reverse("staff_confirm_fee", args=[renewal.pk]))
    assert confirm.status_code == 302
    renewal.refresh_from_db()
    assert (renewal.status, renewal.fee_status) == ("submitted", "confirmed")
    page = staff_browser.get(STAFF).text
    assert "Fee confirmed, not completed" in page and "HELD-1" in page
    assert "Only 16 SEUs of 20 SEUs count now: 4 SEUs missing" in page
    staff_browser.post(
        reverse("staff_reject_fee", args=[renewal.pk]), {"reason": "SEUs were removed"}
    )
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.REJECTED
    assert credential.cycles.get().status == RenewalCycle.Status.OPEN
    assert "HELD-1" not in staff_browser.get(STAFF).text


def test_a_held_renewal_completes_once_the_missing_seus_are_logged(db, today):
    from seus.models import SeuEntry
    from tests.factories import StaffFactory

    holder = PractitionerFactory()
    credential = credential_expiring(D(2026, 7, 1), holder=holder)
    seus_for(holder, 20)
    renewal = services.submit_renewal(
        practitioner=holder, credentials=[credential], payment_reference="HELD-2"
    )
    SeuEntry.objects.filter(practitioner=holder, seus=4).delete()
    renewal = services.confirm_fee(renewal=renewal, by=StaffFactory())
    assert "4 SEUs missing" in renewal.held_reason
    seus_for(holder, 4, earned_on=D(2026, 2, 1))
    assert sweep.run_sweep(dispatch=lambda ids, r: None).renewals_completed == 1
    renewal.refresh_from_db()
    assert (renewal.status, renewal.held_reason) == ("completed", "")


def test_statuses_and_dates_read_as_words_not_stored_values(staff_browser, today):
    """Defect 6: "Renewal due", not `renewal_due`; "20 Jun 2026", not ISO."""
    credential_expiring(D(2026, 6, 20))
    page = staff_browser.get(STAFF, {"within": 30}).text
    assert "Renewal due" in page and "renewal_due" not in page
    assert "20 Jun 2026" in page and "2026-06-20" not in page


def test_credentials_in_grace_have_their_own_section_with_the_day_grace_ends(staff_browser, today):
    expired = credential_expiring(D(2026, 5, 20))
    lapsed = credential_expiring(D(2026, 1, 5))
    sweep.run_sweep(dispatch=lambda ids, r: None)
    page = staff_browser.get(STAFF).text
    section = page[page.index("In grace period") : page.index("Expiring in the next")]
    assert expired.certificate_number in section and "20 May 2026" in section
    grace_ends = expired.expires_on + datetime.timedelta(days=expired.program.grace_days)
    assert f"{grace_ends.day} {grace_ends:%b %Y}" in section
    assert lapsed.certificate_number not in section


@pytest.mark.parametrize("rows", [1, 200])
def test_the_grace_list_pages_and_keeps_its_query_count_at_1_and_200_rows(
    staff_browser, today, django_assert_max_num_queries, rows
):
    from certifications.models import Credential

    for i in range(rows):
        credential_expiring(D(2026, 5, 1) + datetime.timedelta(days=i % 30))
    Credential.objects.update(status=Credential.Status.GRACE)
    with django_assert_max_num_queries(23):
        page = staff_browser.get(STAFF).text
    assert page.count("<tr><td>CSPO") == min(rows, 50)
    if rows > 50:
        assert "Page 1 of 4" in page
        assert staff_browser.get(STAFF, {"grace_page": 4}).status_code == 200
