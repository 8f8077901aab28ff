"""Browser journeys: a trainer from their home through the attendance grid
(p typed and pasted, "all present") to closing with confirmation; a staff member from the
console through search and the practitioner view to confirming a fee with confirmation.
Every page is checked at 375 px: nothing wider than the screen."""

import datetime
from pathlib import Path

import time_machine

from certifications.models import Credential
from renewals.models import Renewal
from renewals.services import submit_renewal
from tests.e2e.conftest import log_in
from tests.factories import (
    PASSWORD,
    CourseFactory,
    CourseSessionFactory,
    EnrollmentFactory,
    PractitionerFactory,
    StaffFactory,
    TrainerFactory,
    course_with_attendees,
    credential_expiring,
    seus_for,
)

SHOTS = Path("/tmp/staff-shots")
NOW = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)


def fits_375(page, name):
    """Screenshots at 1280 and 375 px; at 375 the page is no wider than the screen."""
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(SHOTS / f"{name}-375.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert width <= 375, f"{name} is {width} px wide at 375 px"


@time_machine.travel(NOW, tick=True)
def test_trainer_home_attendance_with_p_and_all_present_then_close_with_confirmation(page):
    trainer = TrainerFactory(user__first_name="Tess", user__last_name="Trainer")
    course = CourseFactory(
        trainer=trainer,
        title="CSPO Lisbon",
        starts_on=datetime.date(2026, 5, 28),
        ends_on=datetime.date(2026, 5, 30),
    )
    for position in (1, 2, 3):
        CourseSessionFactory(
            course=course,
            position=position,
            held_on=course.starts_on + datetime.timedelta(days=position - 1),
            hours=8 if position < 3 else 4,
        )
    names = [("Fiona", "Full"), ("Pat", "Part"), ("Quinn", "Quick-Longname-Hyphenated")]
    enrolled = [
        EnrollmentFactory(
            course=course,
            practitioner__user__first_name=first,
            practitioner__user__last_name=last,
            practitioner__user__email=f"{first.lower()}.a.very.long.address@example-training.org",
        )
        for first, last in names
    ]

    log_in(page, trainer.user.email, PASSWORD)
    page.wait_for_url("**/trainer/")
    assert "Attendance missing" in page.locator("#trainer-courses").inner_text()
    fits_375(page, "trainer-home")

    page.get_by_role("link", name="Attendance").first.click()
    page.wait_for_url("**/attendance/")
    # Fiona: "p" typed on the keyboard, and a pasted "P" (no key event: the server reads it).
    page.get_by_label("Hours at session 1: Fiona Full").press("p")
    page.get_by_label("Hours at session 2: Fiona Full").fill("P")
    page.get_by_label("Hours at session 3: Fiona Full").fill("4")
    assert "20 / 16" in page.locator(f'[data-total-for="{enrolled[0].pk}"]').inner_text()
    # The outcome's word is the page's translated one, carried to the script by data-*.
    assert page.locator(f'[data-total-for="{enrolled[0].pk}"] .row-outcome').inner_text() == "met"
    # Pat: everything in one click ("all present" for the attendee, filled by the script).
    page.locator(f'.all-present[data-enrollment="{enrolled[1].pk}"]').click()
    assert "20 / 16" in page.locator(f'[data-total-for="{enrolled[1].pk}"]').inner_text()
    # Quinn: absent on day 2 ("a" typed).
    page.get_by_label("Hours at session 1: Quinn Quick-Longname-Hyphenated").fill("8")
    page.get_by_label("Hours at session 2: Quinn Quick-Longname-Hyphenated").press("a")
    page.get_by_label("Hours at session 3: Quinn Quick-Longname-Hyphenated").fill("4")
    assert page.locator(f'[data-total-for="{enrolled[2].pk}"] .row-outcome').inner_text() == "short"
    fits_375(page, "trainer-attendance")
    page.get_by_role("button", name="Save attendance").click()
    page.get_by_text("Attendance saved (9 changes).").wait_for()

    page.goto("/trainer/")
    assert "Ready to close" in page.locator("#trainer-courses").inner_text()
    page.get_by_role("link", name="Close…").click()
    closing = page.locator("#closing").inner_text()
    assert closing.count("Gets a credential") == 2 and "No credential" in closing
    fits_375(page, "trainer-close-confirm")
    page.get_by_role("button", name="Close course and issue credentials").click()
    page.get_by_text("2 credentials issued").wait_for()
    fits_375(page, "trainer-course-closed")
    assert set(Credential.objects.filter(course=course).values_list("holder_id", flat=True)) == {
        enrolled[0].practitioner_id,
        enrolled[1].practitioner_id,
    }


@time_machine.travel(NOW, tick=True)
def test_staff_console_search_practitioner_view_and_confirm_fee_with_confirmation(page):
    staff = StaffFactory()
    holder = PractitionerFactory(
        user__first_name="Grace",
        user__last_name="Hopper",
        user__email="grace.hopper.with.a.long.address@example-navy.org",
    )
    credential = credential_expiring(datetime.date(2026, 6, 20), holder=holder)
    seus_for(holder, 20, earned_on=datetime.date(2026, 1, 15))
    renewal = submit_renewal(
        practitioner=holder, credentials=[credential], payment_reference="PAY-LONG-REF-2026"
    )

    log_in(page, staff.email, PASSWORD)
    page.wait_for_url("**/staff/")
    counts = page.locator("#console-counts").inner_text()
    assert "Renewals awaiting confirmation" in counts
    fits_375(page, "staff-console")

    page.locator("#nav-search").fill("hopper")
    page.locator("#nav-search").press("Enter")
    page.wait_for_url("**/search/?q=hopper")
    fits_375(page, "staff-search")
    page.locator("#group-practitioners").get_by_role("link", name="Grace Hopper").click()
    page.wait_for_url(f"**/staff/practitioners/{holder.pk}/")
    assert credential.certificate_number in page.locator("#credentials + div").inner_text()
    fits_375(page, "staff-practitioner")

    page.get_by_role("link", name="Confirm fee…").click()
    assert "Renewal confirmation to" in page.locator("#emails-sent").inner_text()
    assert "20 Jun 2028" in page.locator("#renewed").inner_text()
    fits_375(page, "staff-confirm-fee")
    page.get_by_role("button", name="Confirm fee").click()
    page.get_by_text("The renewal is complete").wait_for()
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.COMPLETED

    # Revoke from the practitioner view; the public page then says "Revoked".
    page.goto(f"/staff/practitioners/{holder.pk}/")
    page.get_by_role("link", name="Revoke…").click()
    page.get_by_label("Reason (kept for audit)").fill("Issued to the wrong person")
    page.get_by_role("button", name="Revoke").click()
    page.get_by_text("is revoked").wait_for()
    page.goto(f"/verify/{credential.certificate_number}/")
    assert "Revoked" in page.content() and ">Active<" not in page.content()

    # The remaining staff pages fit a phone too.
    course, (enrollment,) = course_with_attendees(1, title="A course with a long title indeed")
    for name, url in [
        ("staff-practitioner-edit", f"/staff/practitioners/{holder.pk}/edit/"),
        ("staff-audit", f"/staff/audit/certifications/credential/{credential.pk}/"),
        ("staff-courses-ready", "/courses/?show=ready"),
        ("staff-unenroll", f"/courses/{course.pk}/enrollments/{enrollment.pk}/remove/"),
        ("staff-renewals", "/renewals/staff/"),
    ]:
        page.goto(url)
        fits_375(page, name)
