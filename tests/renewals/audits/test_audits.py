"""SEU audit: staff select submitted renewals for audit, at random or by hand;
the practitioner sends evidence; staff accept or reject each entry; a rejected entry
stops counting and the renewal waits; everything is kept and emailed."""

import datetime
import random
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from cspo_tracker.outbox.models import OutboundEmail
from renewals import services
from renewals.audits import services as audits
from renewals.audits.models import SeuAudit, SeuAuditEvent, SeuAuditItem
from renewals.models import Renewal
from renewals.selectors import credential_progress
from tests.factories import (
    EVIDENCE_PNG,
    PractitionerFactory,
    StaffFactory,
    credential_expiring,
    seus_for,
)

pytestmark = pytest.mark.django_db

D = datetime.date
PNG = EVIDENCE_PNG


@pytest.fixture(autouse=True)
def _fixed_now():
    with time_machine.travel(datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def staff():
    return StaffFactory()


def submitted(practitioner=None, seus=24):
    practitioner = practitioner or PractitionerFactory()
    credential = credential_expiring(D(2026, 6, 30), holder=practitioner)
    seus_for(practitioner, seus, earned_on=D(2026, 1, 15))
    renewal = services.submit_renewal(
        practitioner=practitioner, credentials=[credential], payment_reference="PAY-1"
    )
    return renewal, credential


def counted(credential):
    [progress] = credential_progress(type(credential).objects.filter(pk=credential.pk))
    return progress.seus_counted


def test_selecting_a_renewal_lists_its_entries_and_asks_for_evidence(staff):
    renewal, _credential = submitted()
    audit = audits.select_for_audit(renewal=renewal, by=staff)
    assert audit.items.count() == 3  # 24 SEUs in entries of 8
    [email] = OutboundEmail.objects.filter(template="seu_audit_requested")
    assert email.to == renewal.practitioner.email
    assert "Learning activity" in email.body_text
    assert reverse("renewals:audit", args=[audit.pk]) in email.body_text
    [event] = audit.events.all()
    assert event.action == SeuAuditEvent.Action.SELECTED and event.actor == staff
    with pytest.raises(ValidationError, match="already selected"):
        audits.select_for_audit(renewal=renewal, by=staff)


def test_a_random_share_selects_that_share_rounded_up(staff):
    renewals = [submitted()[0] for _ in range(5)]
    opened = audits.select_share_for_audit(percent=30, by=staff, rng=random.Random(4))
    assert len(opened) == 2  # 30 % of 5, rounded up
    assert {a.selection for a in opened} == {SeuAudit.Selection.RANDOM}
    assert {a.renewal_id for a in opened} <= {r.pk for r in renewals}
    # Those already audited are not drawn again.
    again = audits.select_share_for_audit(percent=100, by=staff, rng=random.Random(1))
    assert len(again) == 3
    with pytest.raises(ValidationError):
        audits.select_share_for_audit(percent=0, by=staff)


def test_the_fee_of_a_renewal_under_audit_cannot_be_confirmed(staff):
    renewal, credential = submitted()
    audits.select_for_audit(renewal=renewal, by=staff)
    with pytest.raises(ValidationError, match="fee can be confirmed once the audit is closed"):
        services.confirm_fee(renewal=renewal, by=staff)
    renewal.refresh_from_db()
    assert renewal.fee_status == Renewal.FeeStatus.PENDING


def test_staff_see_the_refusal_on_their_page(staff):
    renewal, _credential = submitted()
    audits.select_for_audit(renewal=renewal, by=staff)
    browser = Client()
    browser.force_login(staff)
    response = browser.post(reverse("staff_confirm_fee", args=[renewal.pk]), follow=True)
    assert "fee can be confirmed once the audit is closed" in response.content.decode()


def test_a_fee_confirmed_renewal_under_audit_waits_instead_of_completing(staff):
    renewal, credential = submitted()
    audit = audits.select_for_audit(renewal=renewal, by=staff)
    # The fee was confirmed before the audit: the sweep's retry must not complete it.
    Renewal.objects.filter(pk=renewal.pk).update(fee_status=Renewal.FeeStatus.CONFIRMED)
    renewal.refresh_from_db()
    services.complete_if_ready(renewal, now=datetime.datetime.now(tz=datetime.UTC))
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.SUBMITTED
    assert "SEU audit" in renewal.held_reason
    for item in audit.items.all():
        audits.decide_item(item=item, by=staff, accept=True)
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.COMPLETED


def test_a_rejected_entry_stops_counting_and_the_renewal_waits(staff):
    renewal, credential = submitted(seus=24)  # 3 × 8 SEUs for a 20-SEU renewal
    audit = audits.select_for_audit(renewal=renewal, by=staff)
    first, second, third = audit.items.order_by("pk")
    with pytest.raises(ValidationError, match="Say why"):
        audits.decide_item(item=first, by=staff, accept=False, reason=" ")
    audits.decide_item(item=first, by=staff, accept=False, reason="The course did not happen")
    assert counted(credential) == Decimal("16")
    audits.decide_item(item=second, by=staff, accept=True)
    audits.decide_item(item=third, by=staff, accept=True)
    audit.refresh_from_db()
    assert audit.status == SeuAudit.Status.FAILED and audit.closed_at
    # Now the fee can be confirmed, but 16 of 20 SEUs count: the renewal waits.
    services.confirm_fee(renewal=renewal, by=staff)
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.SUBMITTED
    assert "16 SEUs of 20 SEUs" in renewal.held_reason
    [closed] = OutboundEmail.objects.filter(template="seu_audit_closed")
    assert "The course did not happen" in closed.body_text
    assert closed.subject == "Your SEU audit: entries rejected"
    actions = list(audit.events.values_list("action", flat=True))
    assert actions == ["selected", "rejected", "accepted", "accepted", "closed"]


def test_an_audit_passed_with_the_fee_pending_lets_staff_confirm_and_complete(staff):
    renewal, credential = submitted()
    audit = audits.select_for_audit(renewal=renewal, by=staff)
    for item in audit.items.all():
        audits.decide_item(item=item, by=staff, accept=True)
    audit.refresh_from_db()
    assert audit.status == SeuAudit.Status.PASSED
    services.confirm_fee(renewal=renewal, by=staff)
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.COMPLETED
    assert OutboundEmail.objects.get(template="seu_audit_closed").subject == "Your SEU audit passed"


def test_the_practitioner_is_told_on_the_dashboard_and_sends_evidence(staff, practitioner):
    renewal, _credential = submitted(practitioner)
    audit = audits.select_for_audit(renewal=renewal, by=staff)
    browser = Client()
    browser.force_login(practitioner.user)
    dashboard = browser.get(reverse("dashboard")).content.decode()
    assert "selected for an SEU audit" in dashboard
    assert reverse("renewals:audit", args=[audit.pk]) in dashboard
    item = audit.items.order_by("pk").first()
    url = reverse("renewals:audit", args=[audit.pk])
    bad = browser.post(
        url,
        {"item": item.pk, f"item{item.pk}-evidence": SimpleUploadedFile("a.png", b"nope")},
    )
    assert "PDF, PNG or JPEG" in bad.content.decode()
    good = browser.post(
        url,
        {
            "item": item.pk,
            f"item{item.pk}-evidence": SimpleUploadedFile("a.png", PNG, "image/png"),
            f"item{item.pk}-note": "Certificate of attendance",
        },
    )
    assert good.status_code == 302
    item.refresh_from_db()
    assert item.evidence and item.note == "Certificate of attendance"
    assert audit.events.filter(action="evidence_sent", actor=practitioner.user).exists()
    # Someone else's audit is not found.
    other = Client()
    other.force_login(PractitionerFactory().user)
    assert other.get(url).status_code == 404


def test_staff_select_and_decide_from_their_page_and_practitioners_cannot(staff, practitioner):
    renewal, credential = submitted(practitioner)
    browser = Client()
    browser.force_login(staff)
    page = reverse("staff_audits")
    refused = browser.post(page, {"renewal": 999999})
    assert "No renewal has this number" in refused.content.decode()
    browser.post(page, {"renewal": renewal.pk})
    audit = SeuAudit.objects.get(renewal=renewal)
    item = audit.items.order_by("pk").first()
    browser.post(
        reverse("staff_audit_decide", args=[item.pk]),
        {"decision": "reject", "reason": "No proof"},
    )
    item.refresh_from_db()
    assert item.status == SeuAuditItem.Status.REJECTED and item.reason == "No proof"
    content = browser.get(page).content.decode()
    assert "No proof" in content and "Entry rejected" in content
    mine = Client()
    mine.force_login(practitioner.user)
    assert mine.get(page).status_code == 403
    assert mine.post(reverse("staff_audit_decide", args=[item.pk])).status_code == 403


def test_the_database_keeps_one_audit_per_renewal(staff):
    renewal, _credential = submitted()
    now = datetime.datetime.now(tz=datetime.UTC)
    SeuAudit.objects.create(renewal=renewal, selection="chosen", selected_by=staff, selected_at=now)
    with pytest.raises(IntegrityError):
        SeuAudit.objects.create(
            renewal=renewal, selection="chosen", selected_by=staff, selected_at=now
        )


@pytest.mark.parametrize("count", [1, 4])
def test_the_staff_audit_page_reads_in_a_fixed_number_of_queries(
    staff, django_assert_max_num_queries, count
):
    for _ in range(count):
        audits.select_for_audit(renewal=submitted()[0], by=staff)
    browser = Client()
    browser.force_login(staff)
    with django_assert_max_num_queries(16):
        response = browser.get(reverse("staff_audits"))
    assert response.content.decode().count('class="card mb-3 seu-audit"') == count


def test_open_audits_come_first_on_the_staff_page(staff):
    still_open = audits.select_for_audit(renewal=submitted()[0], by=staff)
    later = datetime.datetime(2026, 5, 1, 13, tzinfo=datetime.UTC)
    closed = audits.select_for_audit(renewal=submitted()[0], by=staff, now=later)
    for item in closed.items.all():
        audits.decide_item(item=item, by=staff, accept=True, now=later)
    browser = Client()
    browser.force_login(staff)
    content = browser.get(reverse("staff_audits")).content.decode()
    # The open one first, although the closed one was selected later.
    assert content.index(f'id="audit-{still_open.pk}"') < content.index(f'id="audit-{closed.pk}"')
