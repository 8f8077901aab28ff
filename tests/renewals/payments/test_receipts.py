"""Receipts: the holder sees each payment on the renewal and in their archive; staff see
payments and refunds per renewal and the fees received per month; the staff lists of
fees to confirm hold only the manual exceptions."""

import csv
import io
import json
import zipfile

import time_machine
from django.urls import reverse

from certifications import privacy
from cspo_tracker.privacy import export
from renewals.models import Payment, Renewal
from tests.factories import credential_expiring, seus_for

from .test_webhook import NOW, D, post_event


def paid_online(client, practitioner_client, fake_stripe, *, refund=False):
    holder = practitioner_client.practitioner
    credential = credential_expiring(D(2026, 6, 30), holder=holder)
    seus_for(holder, 20)
    with time_machine.travel(NOW, tick=False):
        practitioner_client.post(reverse("renewals:submit"), {"credentials": [credential.pk]})
        payment = Payment.objects.get()
        post_event(client, fake_stripe.pay(payment.session_id))
        if refund:
            post_event(client, fake_stripe.refund(payment.session_id))
    payment.refresh_from_db()
    return payment


def test_the_holder_sees_each_payment_with_its_receipt_on_the_renewals_page(
    client, practitioner_client, fake_stripe
):
    payment = paid_online(client, practitioner_client, fake_stripe)

    page = practitioner_client.get(reverse("renewals:mine"))

    assert "Card payment US$100 · Paid · paid 1 May 2026" in page.text
    assert f'href="{payment.receipt_url}"' in page.text


def test_the_archive_holds_the_payments(client, practitioner_client, fake_stripe):
    payment = paid_online(client, practitioner_client, fake_stripe)
    user = practitioner_client.practitioner.user

    zipped = zipfile.ZipFile(
        io.BytesIO(b"".join(export.archive(privacy.prepare_export(user=user))))
    )

    [row] = json.loads(zipped.read("renewals/payments.json"))
    assert (row["amount"], row["currency"], row["status"]) == ("100.00", "USD", "paid")
    assert row["receipt_url"] == payment.receipt_url and row["paid_at"].startswith("2026-05-01")


def test_staff_see_payments_and_refunds_on_the_practitioners_file(
    client, practitioner_client, fake_stripe, staff_browser
):
    paid_online(client, practitioner_client, fake_stripe, refund=True)
    holder = practitioner_client.practitioner

    page = staff_browser.get(reverse("staff_practitioner", args=[holder.pk]))

    assert "Card payment US$100 · Refunded · paid 1 May 2026 · refunded 1 May 2026" in page.text


def test_staff_download_the_fees_received_per_month(
    client, practitioner_client, fake_stripe, staff_browser
):
    paid_online(client, practitioner_client, fake_stripe, refund=True)

    page = staff_browser.get(reverse("staff_reports"), {"from": "2026-01-01", "to": "2026-12-31"})
    response = staff_browser.get(
        reverse("staff_report_fees_csv"), {"from": "2026-01-01", "to": "2026-12-31"}
    )

    assert "Fees received online" in page.text
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [
        ["month", "currency", "payments", "received", "refunded", "net"],
        ["2026-05", "USD", "1", "100.00", "100.00", "0.00"],
    ]


def test_staff_lists_hold_only_the_manual_fees_to_confirm(
    practitioner_client, fake_stripe, staff_browser
):
    holder = practitioner_client.practitioner
    credential = credential_expiring(D(2026, 6, 30), holder=holder)
    seus_for(holder, 20)
    with time_machine.travel(NOW, tick=False):
        practitioner_client.post(reverse("renewals:submit"), {"credentials": [credential.pk]})
    online = Renewal.objects.get()

    page = staff_browser.get(reverse("staff_renewals"))

    assert online.fee_status == "unpaid"
    assert f"#{online.pk}" not in page.text.split('id="held"')[0]
    assert reverse("staff_confirm_fee", args=[online.pk]) not in page.text
