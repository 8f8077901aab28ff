"""Search (one box for staff and trainers), the practitioner view for staff with
corrections audited, the audit log per object, and confirming a fee."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from auditlog.models import LogEntry
from django.urls import reverse

from certifications.models import User
from cspo_tracker.outbox.models import OutboundEmail
from renewals import services as renewal_services
from renewals.models import Renewal
from tests.factories import (
    CredentialFactory,
    PractitionerFactory,
    TrainerFactory,
    course_with_attendees,
    credential_expiring,
    seus_for,
)

from .conftest import a_practitioner_with_history, populate

D = datetime.date


def _found(response, group):
    return list(response.context["results"][group].object_list)


def test_staff_find_people_credentials_and_courses_from_one_box(staff, trainer, today):
    holder = PractitionerFactory(user__first_name="Grace", user__last_name="Hopper")
    credential = CredentialFactory(holder=holder, certificate_number="CSPO-ABC-123")
    course, _ = course_with_attendees(1, trainer=trainer, title="Hopper masterclass")
    by_name = staff.get(reverse("search"), {"q": "grace hop"})
    assert _found(by_name, "practitioners") == [holder]
    assert _found(by_name, "courses") == []
    assert _found(staff.get(reverse("search"), {"q": "cspo-abc-123"}), "credentials") == [
        credential
    ]
    assert _found(staff.get(reverse("search"), {"q": "masterclass"}), "courses") == [course]
    assert _found(staff.get(reverse("search"), {"q": holder.email.upper()}), "practitioners") == [
        holder
    ]


def test_staff_find_a_renewal_by_number_or_payment_reference(staff, today):
    holder = PractitionerFactory()
    credential = credential_expiring(D(2026, 7, 1), holder=holder)
    seus_for(holder, 20)
    renewal = renewal_services.submit_renewal(
        practitioner=holder, credentials=[credential], payment_reference="INV-77"
    )
    assert _found(staff.get(reverse("search"), {"q": f"#{renewal.pk}"}), "renewals") == [renewal]
    assert _found(staff.get(reverse("search"), {"q": "inv-77"}), "renewals") == [renewal]


def test_a_trainer_searches_only_within_their_own_courses(trainer_client, trainer, today):
    _, (mine,) = course_with_attendees(1, trainer=trainer)
    _, (theirs,) = course_with_attendees(1, trainer=TrainerFactory(totp=False))
    for enrollment in (mine, theirs):
        User.objects.filter(pk=enrollment.practitioner.user_id).update(last_name="Zed")
    response = trainer_client.get(reverse("search"), {"q": "zed"})
    assert _found(response, "practitioners") == [mine.practitioner]
    assert "renewals" not in response.context["results"]


def test_search_pages_through_a_group(staff, trainer, today):
    populate(25, trainer=trainer)
    first = staff.get(reverse("search"), {"q": "smith"})
    assert first.context["results"]["practitioners"].count == 25
    assert len(_found(first, "practitioners")) == 10
    page2 = staff.get(reverse("search"), {"q": "smith", "group": "practitioners", "page": 2})
    assert list(page2.context["results"]) == ["practitioners"]
    # 25 fit on the group's first page of 50: page 2 shows that page, not an empty one.
    assert page2.context["results"]["practitioners"].number == 1
    assert len(_found(page2, "practitioners")) == 25
    empty = staff.get(reverse("search"), {"q": "   "})
    assert empty.status_code == 200 and empty.context["results"] == {}


def test_a_search_matching_more_than_the_cap_says_so_and_still_pages_on(
    staff, trainer, today, settings, monkeypatch
):
    """A one-letter search matches most of a large table; its count stops at
    PAGER_COUNT_CAP and says "5+", and the group's pages go on past the cap."""
    settings.PAGER_COUNT_CAP = 5
    monkeypatch.setattr("staff.selectors.PER_GROUP", 2)  # 10 a page within a group
    populate(12, trainer=trainer)
    first = staff.get(reverse("search"), {"q": "smith"})
    assert '<span class="badge text-bg-light border">5+</span>' in first.text
    assert "All 5+ practitioners" in first.text
    grouped = {"q": "smith", "group": "practitioners"}
    page1 = staff.get(reverse("search"), grouped)
    assert "Page 1</span>" in page1.text and len(_found(page1, "practitioners")) == 10
    assert "group=practitioners&amp;page=2" in page1.text
    page2 = staff.get(reverse("search"), {**grouped, "page": 2})
    assert len(_found(page2, "practitioners")) == 2 and "page=3" not in page2.text
    fewer = staff.get(reverse("search"), {"q": "bulk1"})  # Bulk1, Bulk10, Bulk11
    assert '<span class="badge text-bg-light border">3</span>' in fewer.text


def test_the_practitioner_view_shows_everything_and_the_audit_trail(staff, staff_user, today):
    holder = a_practitioner_with_history(staff_user)
    page = staff.get(reverse("staff_practitioner", args=[holder.pk]))
    assert page.status_code == 200
    text = page.text
    for section in ("Credentials", "Renewals", "SEU log", "Reminders", "Emails", "Audit trail"):
        assert section in text
    audit = page.context["file"].audit
    assert any(e.actor == staff_user and "last_name" in e.changes_dict for e in audit)
    assert "Lovelace → King" in text


def test_staff_correct_an_email_through_allauth_and_it_is_audited(staff, staff_user, today):
    holder = PractitionerFactory(user__email="ada@exmaple.com")
    url = reverse("staff_practitioner_edit", args=[holder.pk])
    response = staff.post(
        url, {"first_name": "Ada", "last_name": "Lovelace", "email": "Ada@Example.com"}
    )
    assert response.status_code == 302
    holder.user.refresh_from_db()
    assert holder.user.email == "ada@example.com"
    addresses = list(
        EmailAddress.objects.filter(user=holder.user).values_list("email", "primary", "verified")
    )
    assert addresses == [("ada@example.com", True, False)]
    assert OutboundEmail.objects.filter(to="ada@example.com").count() == 1  # confirmation link
    changes = [
        e.changes_dict["email"]
        for e in LogEntry.objects.get_for_object(holder.user).filter(actor=staff_user)
        if "email" in e.changes_dict
    ]
    assert changes == [["ada@exmaple.com", "ada@example.com"]]
    # The same values again change and send nothing.
    staff.post(url, {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"})
    assert OutboundEmail.objects.filter(to="ada@example.com").count() == 1


def test_an_email_of_another_account_is_refused_beside_the_field(staff, today):
    PractitionerFactory(user__email="taken@example.com")
    holder = PractitionerFactory()
    response = staff.post(
        reverse("staff_practitioner_edit", args=[holder.pk]),
        {"first_name": "A", "last_name": "B", "email": "taken@example.com"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "taken@example.com belongs to another account."
    ]


def test_the_audit_log_reads_per_object(staff, staff_user, today):
    holder = a_practitioner_with_history(staff_user)
    page = staff.get(reverse("staff_audit", args=["certifications", "user", holder.user_id]))
    assert page.status_code == 200 and "Lovelace → King" in page.text
    assert staff.get(reverse("staff_audit", args=["renewals", "reminder", 1])).status_code == 404
    admin_page = staff.get(reverse("admin:certifications_user_auditlog", args=[holder.user_id]))
    assert admin_page.status_code == 200 and "King" in admin_page.text


def test_confirm_fee_asks_first_showing_seus_expiry_and_email(staff, today):
    holder = PractitionerFactory()
    credential = credential_expiring(D(2026, 7, 1), holder=holder)
    entries = seus_for(holder, 20)
    renewal = renewal_services.submit_renewal(
        practitioner=holder, credentials=[credential], payment_reference="R1"
    )
    url = reverse("staff_confirm_fee", args=[renewal.pk])
    preview = staff.get(url)
    assert preview.status_code == 200
    p = preview.context["preview"]
    assert p.completes and [e.pk for e in p.entries] == [e.pk for e in entries]
    assert p.renewed == [(credential, D(2028, 7, 1))]
    assert p.emails == [("renewal_confirmation", holder.email)]
    assert "1 Jul 2028" in preview.text and "Renewal confirmation to" in preview.text
    assert Renewal.objects.get(pk=renewal.pk).fee_status == Renewal.FeeStatus.PENDING
    staff.post(url)
    assert Renewal.objects.get(pk=renewal.pk).status == Renewal.Status.COMPLETED
    credential.refresh_from_db()
    assert credential.expires_on == D(2028, 7, 1)


def test_confirm_fee_preview_says_when_the_renewal_will_wait(staff, today):
    holder = PractitionerFactory()
    credential = credential_expiring(D(2026, 7, 1), holder=holder)
    seus_for(holder, 20)
    renewal = renewal_services.submit_renewal(
        practitioner=holder, credentials=[credential], payment_reference="R1"
    )
    holder.seu_entries.filter(seus=4).delete()
    preview = staff.get(reverse("staff_confirm_fee", args=[renewal.pk]))
    assert not preview.context["preview"].completes
    assert preview.context["preview"].emails == []
    assert "will wait" in preview.text


@pytest.mark.parametrize("rows", [1, 200])
def test_search_practitioner_and_confirm_pages_run_constant_queries(
    staff, staff_user, trainer, trainer_client, today, django_assert_max_num_queries, rows
):
    populate(rows, trainer=trainer)
    holder = a_practitioner_with_history(staff_user)
    with django_assert_max_num_queries(14):
        response = staff.get(reverse("search"), {"q": "smith"})
    assert response.context["results"]["practitioners"].count == rows
    with django_assert_max_num_queries(10):
        assert trainer_client.get(reverse("search"), {"q": "bulk"}).status_code == 200
    # 17: each credential's state reads its current cycle and SEUs counted (two queries).
    with django_assert_max_num_queries(17):
        assert staff.get(reverse("staff_practitioner", args=[holder.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert staff.get(reverse("staff_practitioner_edit", args=[holder.pk])).status_code == 200
    renewal = Renewal.objects.order_by("pk").first()
    with django_assert_max_num_queries(12):
        assert staff.get(reverse("staff_confirm_fee", args=[renewal.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert (
            staff.get(
                reverse("staff_audit", args=["certifications", "user", holder.user_id])
            ).status_code
            == 200
        )


def test_the_consoles_audit_log_is_a_staff_page_not_the_admin(staff, staff_user, today):
    holder = a_practitioner_with_history(staff_user)
    console = staff.get(reverse("staff_console")).text
    assert f'href="{reverse("staff_audit_log")}"' in console and "/admin/auditlog" not in console
    page = staff.get(reverse("staff_audit_log"))
    assert page.status_code == 200 and "Lovelace → King" in page.text
    assert holder.pk
