import datetime

import time_machine

from certifications.models import Credential
from tests.e2e.conftest import log_in
from tests.factories import (
    PASSWORD,
    CourseFactory,
    CourseSessionFactory,
    EnrollmentFactory,
    TrainerFactory,
)

# A week after the factory's course (2-3 March 2026): the credential it issues runs to
# 3 Mar 2028, so the public page must say "Active" whatever the real date. tick=True
# lets the clock run on from there (the browser waits on it), and time-machine's patch
# reaches the live server's thread too.
SOON_AFTER_THE_COURSE = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)


@time_machine.travel(SOON_AFTER_THE_COURSE, tick=True)
def test_a_trainer_records_attendance_closes_the_course_and_the_credential_verifies(
    page, screenshot
):
    trainer = TrainerFactory()
    course = CourseFactory(trainer=trainer, title="CSPO Porto")
    for position in (1, 2):
        CourseSessionFactory(
            course=course,
            position=position,
            held_on=course.starts_on + datetime.timedelta(days=position - 1),
        )
    fiona = EnrollmentFactory(
        course=course, practitioner__user__first_name="Fiona", practitioner__user__last_name="Full"
    )
    EnrollmentFactory(
        course=course, practitioner__user__first_name="Pat", practitioner__user__last_name="Part"
    )

    log_in(page, trainer.user.email, PASSWORD)
    page.wait_for_url("**/")
    page.get_by_role("link", name="Courses", exact=True).click()
    page.get_by_role("link", name="CSPO Porto").click()
    page.get_by_role("link", name="Attendance").click()
    page.wait_for_url("**/attendance/")  # the load event: static/js/attendance.js has run

    # Fiona: present both days (the checkbox and the "p" key); Pat: day one, half of day two.
    page.get_by_label("Present at session 1: Fiona Full").check()
    page.get_by_label("Hours at session 2: Fiona Full").press("p")
    page.get_by_label("Hours at session 1: Pat Part").fill("8")
    page.get_by_label("Hours at session 2: Pat Part").fill("4")
    fiona_total = page.locator(f'[data-total-for="{fiona.pk}"]').inner_text()
    assert "16 / 16" in fiona_total and "met" in fiona_total
    screenshot("trainer-attendance-grid")
    page.get_by_role("button", name="Save attendance").click()
    page.get_by_text("Attendance saved (4 changes).").wait_for()

    page.get_by_role("link", name="Back to the course").click()
    page.get_by_role("link", name="Close course and issue credentials…").click()
    assert "Gets a credential" in page.locator("#closing").inner_text()  # asked first
    page.get_by_role("button", name="Close course and issue credentials").click()
    page.get_by_text("1 credential issued").wait_for()
    assert "session 2" in page.locator("#roster").inner_text()
    screenshot("trainer-course-closed")

    credential = Credential.objects.get(course=course)
    assert credential.holder == fiona.practitioner
    verify_url = page.get_by_role("link", name=credential.certificate_number).get_attribute("href")
    assert verify_url == f"/verify/{credential.certificate_number}/"
    page.context.clear_cookies()  # the public, logged out
    page.goto(verify_url)
    assert page.get_by_role("link", name="Log in").is_visible()
    card = page.locator(".card").inner_text()
    assert "Fiona Full" in card
    assert "Active" in card
    assert "3 Mar 2028" in card
    screenshot("public-verification")
