import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from certifications.models import Credential
from cspo_tracker import publishing
from cspo_tracker.outbox import services as outbox
from cspo_tracker.outbox.models import OutboundEmail
from renewals import services
from renewals.models import Renewal, RenewalCycle
from seus.models import SeuEntry
from tests.factories import StaffFactory, credential_expiring, seus_for

D = datetime.date
SUBMIT = reverse("renewals:submit")


def at(day, hour=12):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC), tick=False
    )


def confirm(staff_browser, renewal):
    return staff_browser.post(reverse("staff_confirm_fee", args=[renewal.pk]))


def test_practitioner_renews_a_cspo_and_staff_confirmation_completes_it_from_the_old_expiry(
    practitioner_client, staff_browser, django_capture_on_commit_callbacks
):
    holder = practitioner_client.practitioner
    credential = credential_expiring(D(2026, 6, 30), holder=holder)
    entries = seus_for(holder, 20)
    with at(D(2026, 5, 1)):
        page = practitioner_client.get(SUBMIT, {"credential": credential.pk})
        assert "20 SEUs" in page.text and "US$100" in page.text
        response = practitioner_client.post(
            SUBMIT, {"credentials": [credential.pk], "payment_reference": "PAY-123"}
        )
    assert response.status_code == 302
    renewal = Renewal.objects.get()
    assert (renewal.status, renewal.fee_status) == ("submitted", "pending")
    assert (renewal.seus_required, renewal.fee_amount, renewal.payment_reference) == (
        20,
        100,
        "PAY-123",
    )
    assert credential.cycles.get().status == RenewalCycle.Status.SUBMITTED

    with at(D(2026, 5, 3)), django_capture_on_commit_callbacks(execute=True):
        assert confirm(staff_browser, renewal).status_code == 302

    renewal.refresh_from_db()
    credential.refresh_from_db()
    assert renewal.status == Renewal.Status.COMPLETED
    assert credential.expires_on == D(2028, 6, 30)  # old expiry + 24 months, not May 2028
    assert credential.status == Credential.Status.ACTIVE
    old, new = credential.cycles.order_by("ends_on")
    assert old.status == RenewalCycle.Status.COMPLETED
    assert (new.status, new.ends_on, new.window_starts_on) == (
        "open",
        D(2028, 6, 30),
        D(2026, 6, 30),
    )
    assert SeuEntry.objects.filter(
        pk__in=[e.pk for e in entries], consumed_by=renewal
    ).count() == len(entries)
    [email] = mail.outbox
    assert email.to == [holder.email]
    assert "30 Jun 2028" in email.body and "PAY-123" in email.body
    assert f"/credentials/{credential.certificate_number}.json" in email.body  # signed copy
    confirmation = OutboundEmail.objects.get(key=f"renewal_confirmation:{renewal.pk}")
    assert confirmation.status == OutboundEmail.Status.SENT


def test_seus_used_by_a_completed_renewal_never_count_again(practitioner_client, staff_browser):
    holder = practitioner_client.practitioner
    credential = credential_expiring(D(2026, 6, 30), holder=holder)
    seus_for(holder, 24, earned_on=D(2026, 6, 1))
    with at(D(2026, 6, 10)):
        practitioner_client.post(
            SUBMIT, {"credentials": [credential.pk], "payment_reference": "R1"}
        )
        confirm(staff_browser, Renewal.objects.get())
    # The new window (2026-06-30 .. 2028-06-30) would not hold them anyway; widen the
    # look-back to prove it is consumption, not the window, that stops them counting.
    new_cycle = credential.cycles.get(status="open")
    new_cycle.window_starts_on = D(2026, 1, 1)
    new_cycle.save()
    from renewals.selectors import seus_counted_by_cycle

    assert seus_counted_by_cycle([new_cycle.pk])[new_cycle.pk] == 0


def test_csm_and_cspo_renew_together_for_30_seus_and_one_100_dollar_fee(practitioner_client):
    holder = practitioner_client.practitioner
    cspo = credential_expiring(D(2026, 6, 30), holder=holder)
    csm = credential_expiring(D(2026, 8, 15), program="CSM", holder=holder)
    seus_for(holder, 20)
    both = {"credentials": [cspo.pk, csm.pk], "payment_reference": "PAY-9"}
    with at(D(2026, 5, 1)):
        preview = practitioner_client.post(SUBMIT, {**both, "preview": "1"})
        assert "30 SEUs" in preview.text and "US$100" in preview.text
        assert not Renewal.objects.exists()

        short = practitioner_client.post(SUBMIT, both)
        assert short.status_code == 200
        assert "Log 10 SEUs more first" in short.text
        assert not Renewal.objects.exists()

        seus_for(holder, 10)
        assert practitioner_client.post(SUBMIT, both).status_code == 302
    renewal = Renewal.objects.get()
    assert (renewal.seus_required, renewal.fee_amount, renewal.fee_currency) == (30, 100, "USD")
    assert set(renewal.cycles.values_list("credential_id", flat=True)) == {cspo.pk, csm.pk}


def test_renewing_a_higher_credential_renews_the_lower_one_in_its_track(
    practitioner_client, staff_browser
):
    holder = practitioner_client.practitioner
    cspo = credential_expiring(D(2026, 6, 30), holder=holder)
    advanced = credential_expiring(D(2026, 9, 30), program="A-CSPO", holder=holder)
    seus_for(holder, 30)
    with at(D(2026, 6, 1)):
        page = practitioner_client.post(SUBMIT, {"credentials": [advanced.pk], "preview": "1"})
        assert "Also renewed with it: CSPO" in page.text
        practitioner_client.post(SUBMIT, {"credentials": [advanced.pk], "payment_reference": "A1"})
        renewal = Renewal.objects.get()
        assert (renewal.seus_required, renewal.fee_amount) == (30, 175)
        confirm(staff_browser, renewal)
    cspo.refresh_from_db()
    advanced.refresh_from_db()
    assert (cspo.expires_on, advanced.expires_on) == (D(2028, 6, 30), D(2028, 9, 30))


@pytest.mark.parametrize(
    ("expires_on", "completed_on", "new_expiry"),
    [
        (D(2026, 6, 30), D(2026, 6, 30), D(2028, 6, 30)),  # on the last day
        (D(2026, 6, 30), D(2026, 7, 1), D(2028, 6, 30)),  # the day after: grace, old schedule
        (D(2026, 6, 30), D(2026, 9, 28), D(2028, 6, 30)),  # the last day of grace
        (D(2026, 2, 28), D(2026, 3, 1), D(2028, 2, 28)),  # issued on 2024-02-29
        (D(2028, 2, 29), D(2028, 3, 1), D(2030, 2, 28)),  # expiring on a leap day
    ],
)
def test_a_renewal_extends_from_the_old_expiry_whenever_it_completes(
    practitioner, expires_on, completed_on, new_expiry
):
    credential = credential_expiring(expires_on, holder=practitioner)
    seus_for(practitioner, 20, earned_on=expires_on - datetime.timedelta(days=30))
    staff = StaffFactory()
    with at(completed_on):
        renewal = services.submit_renewal(
            practitioner=practitioner, credentials=[credential], payment_reference="X"
        )
        assert renewal.status == Renewal.Status.SUBMITTED
        services.confirm_fee(renewal=renewal, by=staff)
    credential.refresh_from_db()
    assert credential.expires_on == new_expiry
    assert credential.cycles.get(status="open").ends_on == new_expiry


def test_a_credential_issued_on_a_leap_day_renews_to_the_end_of_february(practitioner):
    from tests.factories import CredentialFactory

    credential = CredentialFactory(holder=practitioner, issued_on=D(2024, 2, 29))
    assert credential.expires_on == D(2026, 2, 28)
    seus_for(practitioner, 20, earned_on=D(2025, 12, 1))
    with at(D(2026, 2, 20)):
        renewal = services.submit_renewal(
            practitioner=practitioner, credentials=[credential], payment_reference="L"
        )
        services.confirm_fee(renewal=renewal, by=StaffFactory())
    credential.refresh_from_db()
    assert credential.expires_on == D(2028, 2, 28)


def test_a_lapsed_credential_renews_only_with_staff_approval(practitioner_client, staff_browser):
    holder = practitioner_client.practitioner
    credential = credential_expiring(D(2026, 6, 30), holder=holder)
    seus_for(holder, 20, earned_on=D(2026, 3, 1))
    with at(D(2026, 9, 29)):  # 91 days after expiry: lapsed
        practitioner_client.post(
            SUBMIT, {"credentials": [credential.pk], "payment_reference": "LATE"}
        )
        renewal = Renewal.objects.get()
        assert renewal.status == Renewal.Status.NEEDS_APPROVAL

        staff_page = staff_browser.get(reverse("staff_renewals"))
        assert "Approve lapsed renewal" in staff_page.text
        confirm(staff_browser, renewal)
        renewal.refresh_from_db()
        assert (renewal.status, renewal.fee_status) == ("needs_approval", "confirmed")
        credential.refresh_from_db()
        assert credential.expires_on == D(2026, 6, 30)

        staff_browser.post(reverse("staff_approve_renewal", args=[renewal.pk]))
    renewal.refresh_from_db()
    credential.refresh_from_db()
    assert renewal.status == Renewal.Status.COMPLETED and renewal.approved_by is not None
    assert credential.expires_on == D(2028, 6, 30)


def test_staff_reject_a_payment_with_a_reason_and_the_credential_can_be_renewed_again(
    practitioner_client, staff_browser, django_capture_on_commit_callbacks
):
    holder = practitioner_client.practitioner
    credential = credential_expiring(D(2026, 6, 30), holder=holder)
    seus_for(holder, 20)
    with at(D(2026, 5, 1)):
        practitioner_client.post(
            SUBMIT, {"credentials": [credential.pk], "payment_reference": "BAD"}
        )
        renewal = Renewal.objects.get()
        no_reason = staff_browser.post(
            reverse("staff_reject_fee", args=[renewal.pk]), {"reason": " "}, follow=True
        )
        assert "Say why" in no_reason.text
        renewal.refresh_from_db()
        assert renewal.fee_status == "pending"

        with django_capture_on_commit_callbacks(execute=True):
            staff_browser.post(
                reverse("staff_reject_fee", args=[renewal.pk]), {"reason": "No such payment"}
            )
    renewal.refresh_from_db()
    assert (renewal.status, renewal.fee_status, renewal.rejection_reason) == (
        "rejected",
        "rejected",
        "No such payment",
    )
    assert credential.cycles.get().status == RenewalCycle.Status.OPEN
    assert "No such payment" in mail.outbox[-1].body
    with at(D(2026, 5, 2)):
        again = practitioner_client.post(
            SUBMIT, {"credentials": [credential.pk], "payment_reference": "GOOD"}
        )
    assert again.status_code == 302, again.text[again.text.find("alert") :][:600]


def test_a_renewal_in_progress_cannot_be_submitted_twice(practitioner_client):
    holder = practitioner_client.practitioner
    credential = credential_expiring(D(2026, 6, 30), holder=holder)
    seus_for(holder, 40)
    data = {"credentials": [credential.pk], "payment_reference": "P"}
    with at(D(2026, 5, 1)):
        practitioner_client.post(SUBMIT, data)
        second = practitioner_client.post(SUBMIT, data)
    assert second.status_code == 200
    assert Renewal.objects.count() == 1


def test_renewal_opens_only_after_the_programs_waiting_days(practitioner):
    credential = credential_expiring(D(2028, 6, 1), holder=practitioner)  # issued 2026-06-01
    seus_for(practitioner, 20, earned_on=D(2026, 6, 2))
    from django.core.exceptions import ValidationError

    with at(D(2026, 6, 20)), pytest.raises(ValidationError, match="30 days after issue"):
        services.submit_renewal(
            practitioner=practitioner, credentials=[credential], payment_reference="E"
        )
    assert not Renewal.objects.exists()


def test_another_practitioners_credential_answers_404_and_cannot_be_submitted(practitioner_client):
    credential_expiring(D(2026, 6, 30), holder=practitioner_client.practitioner)
    theirs = credential_expiring(D(2026, 6, 30))
    seus_for(theirs.holder, 20)
    assert practitioner_client.get(SUBMIT, {"credential": theirs.pk}).status_code == 404
    assert practitioner_client.get(SUBMIT, {"credential": "abc"}).status_code == 404
    with at(D(2026, 5, 1)):
        response = practitioner_client.post(
            SUBMIT, {"credentials": [theirs.pk], "payment_reference": "X"}
        )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Renewal.objects.exists()


def test_a_missing_payment_reference_is_reported_beside_the_field(practitioner_client):
    holder = practitioner_client.practitioner
    credential = credential_expiring(D(2026, 6, 30), holder=holder)
    seus_for(holder, 20)
    with at(D(2026, 5, 1)):
        response = practitioner_client.post(
            SUBMIT, {"credentials": [credential.pk], "payment_reference": ""}
        )
    assert response.status_code == 200
    assert "This field is required" in response.text
    assert not Renewal.objects.exists()


def test_the_confirmation_is_enqueued_only_after_commit(
    practitioner, django_capture_on_commit_callbacks
):
    credential = credential_expiring(D(2026, 6, 30), holder=practitioner)
    seus_for(practitioner, 20)
    with at(D(2026, 5, 1)):
        renewal = services.submit_renewal(
            practitioner=practitioner, credentials=[credential], payment_reference="C"
        )
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.confirm_fee(renewal=renewal, by=StaffFactory())
        assert mail.outbox == [] and len(callbacks) == 1
        callbacks[0]()
    assert len(mail.outbox) == 1
    callbacks[0]()  # a second delivery of the same task sends nothing
    assert len(mail.outbox) == 1


@pytest.fixture
def broker_down(settings):
    """A real broker address nobody listens on, with tasks no longer run in-process."""
    from config.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool)
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app.conf.broker_connection_timeout = 1
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app._pool, app.amqp._producer_pool = None, None
    yield
    app.conf.broker_url, app.conf.task_always_eager = saved[0], saved[1]
    app._pool, app.amqp._producer_pool = saved[2], saved[3]


def test_a_broker_that_is_down_does_not_break_the_request_and_the_outbox_sends_later(
    practitioner, staff_browser, broker_down, django_capture_on_commit_callbacks
):
    credential = credential_expiring(D(2026, 6, 30), holder=practitioner)
    seus_for(practitioner, 20)
    with at(D(2026, 5, 1)):
        renewal = services.submit_renewal(
            practitioner=practitioner, credentials=[credential], payment_reference="B"
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = confirm(staff_browser, renewal)
    assert response.status_code == 302
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.COMPLETED
    assert mail.outbox == []
    # The periodic delivery run, broker or not: the acknowledgement and the confirmation.
    assert outbox.deliver_due() == (2, 0)
    assert [m.to for m in mail.outbox] == [[practitioner.email]] * 2


def test_the_outbox_delivers_a_confirmation_the_broker_outage_held_back(
    practitioner, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from cspo_tracker import tasks

    credential = credential_expiring(D(2026, 6, 30), holder=practitioner)
    seus_for(practitioner, 20)

    def down(*args, **kwargs):
        raise OperationalError("broker down")

    with at(D(2026, 5, 1)):
        renewal = services.submit_renewal(
            practitioner=practitioner, credentials=[credential], payment_reference="B"
        )
        monkeypatch.setattr(tasks.deliver_emails, "apply", down)
        monkeypatch.setattr(publishing, "_broker_down_until", 0.0)
        with django_capture_on_commit_callbacks(execute=True):
            services.confirm_fee(renewal=renewal, by=StaffFactory())
        assert mail.outbox == []
        monkeypatch.undo()
        with django_capture_on_commit_callbacks(execute=True):
            tasks.deliver_due_emails.apply()
        with django_capture_on_commit_callbacks(execute=True):
            tasks.deliver_due_emails.apply()  # a second run sends nothing twice
    # The submitted renewal's acknowledgement and its confirmation, once each.
    assert sorted(m.subject for m in mail.outbox) == sorted(
        OutboundEmail.objects.values_list("subject", flat=True)
    )
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("count", [2, 12])
def test_the_renewal_form_query_count_does_not_grow_with_credentials(
    practitioner_client, django_assert_max_num_queries, count
):
    holder = practitioner_client.practitioner
    programs = ["CSPO", "CSM", "CSD", "A-CSPO", "A-CSM", "CSP-PO", "CSP-SM", "CSP"]
    credentials = [
        credential_expiring(
            D(2026, 6, 1) + datetime.timedelta(days=i), program=programs[i % 8], holder=holder
        )
        for i in range(count)
    ]
    seus_for(holder, 40)
    data = {"credentials": [c.pk for c in credentials], "preview": "1"}
    # Constant whatever the number of credentials: the form, the quote, the entries it
    # uses and what stays for the others (renewals/plans.py), the combined offer and the
    # credentials whose renewal has not opened yet.
    with at(D(2026, 5, 1)), django_assert_max_num_queries(21):
        response = practitioner_client.post(SUBMIT, data)
    assert response.status_code == 200
    assert ("US$250" if count > 2 else "US$100") in response.text


def test_a_program_change_after_the_cycle_opened_leaves_dashboard_quote_and_renewal_agreeing(
    practitioner_client,
):
    from decimal import Decimal

    from certifications.models import Program

    holder = practitioner_client.practitioner
    credential = credential_expiring(D(2026, 6, 30), holder=holder)
    seus_for(holder, 20)
    Program.objects.filter(code="CSPO").update(seus_required=25, renewal_fee=Decimal("150"))
    with at(D(2026, 5, 1)):
        dashboard = practitioner_client.get(reverse("dashboard")).text
        assert "20 / 20" in dashboard and "US$100, not paid yet" in dashboard
        quote = practitioner_client.get(SUBMIT, {"credential": credential.pk}).text
        assert "20 SEUs" in quote and "US$100" in quote and "US$150" not in quote
        response = practitioner_client.post(
            SUBMIT, {"credentials": [credential.pk], "payment_reference": "PAY-1"}
        )
    assert response.status_code == 302
    renewal = Renewal.objects.get()
    assert (renewal.seus_required, renewal.fee_amount) == (20, 100)


def test_a_second_renewal_while_one_is_in_progress_is_refused_with_a_message(
    practitioner_client,
):
    holder = practitioner_client.practitioner
    cspo = credential_expiring(D(2026, 6, 30), holder=holder)
    csm = credential_expiring(D(2026, 6, 30), holder=holder, program="CSM")
    seus_for(holder, 30)
    with at(D(2026, 5, 1)):
        practitioner_client.post(SUBMIT, {"credentials": [cspo.pk], "payment_reference": "A"})
        first = Renewal.objects.get()
        page = practitioner_client.post(SUBMIT, {"credentials": [csm.pk], "payment_reference": "B"})
    assert page.status_code == 200
    assert f"Your renewal #{first.pk} submitted on 1 May 2026 is still in progress" in page.text
    assert 'id="renewal-in-progress"' in page.text
    assert Renewal.objects.count() == 1
    assert csm.cycles.get().status == RenewalCycle.Status.OPEN


def test_the_database_holds_at_most_one_renewal_in_progress_per_practitioner(practitioner):
    from django.db import IntegrityError, transaction

    fields = {"practitioner": practitioner, "seus_required": 20, "fee_amount": 100}
    Renewal.objects.create(status=Renewal.Status.NEEDS_APPROVAL, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Renewal.objects.create(status=Renewal.Status.SUBMITTED, **fields)
    Renewal.objects.create(status=Renewal.Status.REJECTED, **fields)
    Renewal.objects.create(status=Renewal.Status.COMPLETED, **fields)


def test_after_a_rejection_the_practitioner_can_submit_again(practitioner):
    cspo = credential_expiring(D(2026, 6, 30), holder=practitioner)
    csm = credential_expiring(D(2026, 6, 30), holder=practitioner, program="CSM")
    seus_for(practitioner, 30)
    with at(D(2026, 5, 1)):
        first = services.submit_renewal(
            practitioner=practitioner, credentials=[cspo], payment_reference="A"
        )
        services.reject_fee(renewal=first, by=StaffFactory(), reason="Unknown reference")
        second = services.submit_renewal(
            practitioner=practitioner, credentials=[cspo, csm], payment_reference="B"
        )
    assert (second.seus_required, second.fee_amount) == (30, 100)
