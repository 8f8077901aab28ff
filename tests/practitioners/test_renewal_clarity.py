"""What the dashboard and the submit page offer is what the server
accepts; the submit page says which entries a renewal uses and what stays; a cheaper
combined renewal is offered and works; a window that starts later is explained."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from renewals.models import Renewal, RenewalCycle
from seus.models import SeuEntry
from tests.factories import SeuCategoryFactory, SeuEntryFactory, credential_expiring

pytestmark = pytest.mark.django_db
D = datetime.date
SUBMIT = reverse("renewals:submit")
DASHBOARD = reverse("dashboard")


def at(day):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.UTC), tick=False
    )


START = D(2026, 1, 10)


def log(holder, *amounts, start=START):
    """One entry per amount, on consecutive days (oldest first)."""
    category = SeuCategoryFactory(code="E")
    return [
        SeuEntryFactory(
            practitioner=holder,
            earned_on=start + datetime.timedelta(days=i),
            seus=Decimal(amount),
            category=category,
            activity=f"Activity {i + 1}",
        )
        for i, amount in enumerate(amounts)
    ]


def card(page, credential):
    start = page.index(f'id="credential-{credential.pk}"')
    end = page.find("</article>", start)
    return page[start:end]


def test_while_a_renewal_waits_no_other_card_or_page_offers_a_renewal_the_server_refuses(
    practitioner_client,
):
    holder = practitioner_client.practitioner
    cspo = credential_expiring(D(2026, 6, 30), holder=holder)
    csm = credential_expiring(D(2026, 6, 30), holder=holder, program="CSM")
    log(holder, "8", "8", "8", "8", "8")
    with at(D(2026, 5, 1)):
        practitioner_client.post(SUBMIT, {"credentials": [cspo.pk], "payment_reference": "P1"})
        renewal = Renewal.objects.get()
        page = practitioner_client.get(DASHBOARD).text
        submit_page = practitioner_client.get(SUBMIT, {"credential": csm.pk}).text
    waiting, other = card(page, cspo), card(page, csm)
    assert "staff are confirming your fee payment" in waiting
    assert "not paid yet" not in waiting
    assert "US$100 paid: staff are confirming it" in waiting
    assert "Submit your renewal" not in other
    assert f"Wait for your renewal #{renewal.pk}" in other
    # The submit page explains instead of showing a live form.
    assert 'id="renewal-in-progress"' in submit_page
    assert 'id="renewal-form"' not in submit_page
    assert "You cannot submit another renewal yet" in submit_page


def test_a_new_credential_does_not_say_the_fee_is_unpaid_two_years_ahead(practitioner_client):
    holder = practitioner_client.practitioner
    with at(D(2026, 3, 1)):
        credential = credential_expiring(D(2028, 3, 1), holder=holder)
        page = card(practitioner_client.get(DASHBOARD).text, credential)
    assert "not paid yet" not in page
    assert "US$100, paid when you submit your renewal" in page


def test_a_card_offers_submit_only_when_the_server_would_accept_it(practitioner_client):
    holder = practitioner_client.practitioner
    due = credential_expiring(D(2026, 6, 30), holder=holder)
    log(holder, "8", "8", "4")
    with at(D(2026, 5, 1)):
        page = card(practitioner_client.get(DASHBOARD).text, due)
        assert "Submit your renewal" in page
        assert "US$100, not paid yet" in page  # renewal due: the fee is owed now
        accepted = practitioner_client.post(
            SUBMIT, {"credentials": [due.pk], "payment_reference": "P"}
        )
    assert accepted.status_code == 302


def test_the_submit_page_lists_the_entries_used_and_what_stays_for_the_other_credential(
    practitioner_client, staff_browser
):
    holder = practitioner_client.practitioner
    cspo = credential_expiring(D(2026, 6, 30), holder=holder)
    csm = credential_expiring(D(2026, 6, 30), holder=holder, program="CSM")
    e1, e2, e3, e4 = log(holder, "8", "8", "4", "2.25")
    with at(D(2026, 5, 1)):
        page = practitioner_client.get(SUBMIT, {"credential": cspo.pk}).text
    used = page[page.index('id="entries-used"') : page.index('id="entries-left"')]
    left = page[page.index('id="entries-left"') : page.index('id="others-after"')]
    assert all(e.activity in used for e in (e1, e2, e3)) and e4.activity not in used
    assert e4.activity in left
    others = page[page.index('id="others-after"') :]
    assert "CSM: 2.25 / 20 SEUs counted (now 22.25: this renewal uses 20 of them)" in others
    # What the page said is what happens.
    with at(D(2026, 5, 1)):
        practitioner_client.post(SUBMIT, {"credentials": [cspo.pk], "payment_reference": "P"})
    with at(D(2026, 5, 2)):
        staff_browser.post(reverse("staff_confirm_fee", args=[Renewal.objects.get().pk]))
    consumed = set(SeuEntry.objects.filter(consumed_by__isnull=False).values_list("pk", flat=True))
    assert consumed == {e1.pk, e2.pk, e3.pk}
    with at(D(2026, 5, 2)):
        assert "2.25 / 20" in card(practitioner_client.get(DASHBOARD).text, csm)


def test_renewing_together_is_offered_when_cheaper_and_renews_both(
    practitioner_client, staff_browser
):
    holder = practitioner_client.practitioner
    cspo = credential_expiring(D(2026, 6, 30), holder=holder)
    csm = credential_expiring(D(2026, 6, 30), holder=holder, program="CSM")
    log(holder, "8", "8", "8", "6")
    with at(D(2026, 5, 1)):
        page = practitioner_client.get(SUBMIT, {"credential": cspo.pk}).text
        assert 'id="combined-offer"' in page
        assert (
            "together: 30 SEUs and one US$100 fee, instead of 40 SEUs and two fees (US$200)" in page
        )
        both = practitioner_client.get(
            SUBMIT, {"credential": [cspo.pk, csm.pk]}
        ).text  # the offer's link preselects both
        assert 'id="combined-offer"' not in both
        assert "30 SEUs" in both
        response = practitioner_client.post(
            SUBMIT, {"credentials": [cspo.pk, csm.pk], "payment_reference": "TOGETHER"}
        )
    assert response.status_code == 302
    renewal = Renewal.objects.get()
    assert (renewal.seus_required, renewal.fee_amount) == (30, 100)
    with at(D(2026, 5, 2)):
        staff_browser.post(reverse("staff_confirm_fee", args=[renewal.pk]))
    renewal.refresh_from_db()
    cspo.refresh_from_db()
    csm.refresh_from_db()
    assert renewal.status == Renewal.Status.COMPLETED
    assert cspo.expires_on == csm.expires_on == D(2028, 6, 30)
    assert RenewalCycle.objects.filter(status=RenewalCycle.Status.COMPLETED).count() == 2


def test_no_offer_when_the_selection_already_holds_every_renewable_credential(
    practitioner_client,
):
    holder = practitioner_client.practitioner
    cspo = credential_expiring(D(2026, 6, 30), holder=holder)
    log(holder, "8", "8", "8")
    with at(D(2026, 5, 1)):
        page = practitioner_client.get(SUBMIT, {"credential": cspo.pk}).text
    assert 'id="combined-offer"' not in page


def test_after_an_early_renewal_the_dashboard_and_log_say_when_new_seus_count(
    practitioner_client, staff_browser
):
    holder = practitioner_client.practitioner
    cspo = credential_expiring(D(2027, 1, 9), holder=holder)
    log(holder, "8", "8", "4", start=D(2026, 10, 1))
    with at(D(2026, 11, 1)):
        practitioner_client.post(SUBMIT, {"credentials": [cspo.pk], "payment_reference": "P"})
    with at(D(2026, 11, 2)):
        staff_browser.post(reverse("staff_confirm_fee", args=[Renewal.objects.get().pk]))
    with at(D(2026, 11, 20)):
        created = practitioner_client.post(
            reverse("seus:create"),
            {
                "earned_on": "2026-11-20",
                "category": SeuCategoryFactory(code="E").pk,
                "activity": "Podcast",
                "seus": "1",
            },
            follow=True,
        ).text
        dashboard = card(practitioner_client.get(DASHBOARD).text, cspo)
        seu_log = practitioner_client.get(reverse("seus:list")).text
    assert "This entry counts 0 for now" in created and "9 Jan 2027" in created
    assert "Your new renewal window starts on 9 Jan 2027" in dashboard
    assert "0 / 20" in dashboard
    assert "Log SEUs you earn from 9 Jan 2027" in dashboard
    assert "This window starts on 9 Jan 2027" in seu_log


def test_a_credential_whose_renewal_has_not_opened_is_not_offered_on_the_submit_page(
    practitioner_client,
):
    holder = practitioner_client.practitioner
    with at(D(2026, 3, 1)):
        fresh = credential_expiring(D(2028, 2, 20), holder=holder)  # issued 20 Feb 2026
        log(holder, "8", "8", "4", start=D(2026, 2, 21))
        page = practitioner_client.get(SUBMIT, {"credential": fresh.pk}).text
        dashboard = card(practitioner_client.get(DASHBOARD).text, fresh)
    assert 'id="renewal-form"' not in page
    assert "renewal opens on 22 Mar 2026" in page
    assert "Submit your renewal" not in dashboard
    assert "submit your renewal from 22 Mar 2026" in dashboard


@pytest.mark.parametrize("today", [D(2026, 3, 20), D(2026, 8, 1)], ids=["grace", "lapsed"])
def test_an_seu_logged_after_expiry_says_why_it_counts_for_nothing_and_what_to_do(
    practitioner_client, today
):
    holder = practitioner_client.practitioner
    credential_expiring(D(2026, 3, 1), holder=holder)
    with at(today):
        created = practitioner_client.post(
            reverse("seus:create"),
            {
                "earned_on": today.isoformat(),
                "category": SeuCategoryFactory(code="E").pk,
                "activity": "Meetup",
                "seus": "4",
            },
            follow=True,
        ).text
    assert "Logged 4 SEUs" in created
    assert "This entry counts 0 for now" in created
    assert "earned after your credential expired on 1 Mar 2026" in created
    assert "log SEUs earned by 1 Mar 2026" in created
