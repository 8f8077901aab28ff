"""Completing a new Scrum Alliance course renews the holder's existing credentials for
two more years, aligned to the new credential's expiry (docs/domain.md, "Renewing")."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from certifications.courses.services import close_course
from certifications.models import Credential
from renewals.models import RenewalCycle
from renewals.services import submit_renewal
from seus.models import SeuEntry
from tests.factories import ProgramFactory, course_with_attendees, credential_expiring, seus_for

pytestmark = pytest.mark.django_db

D = datetime.date
# CourseFactory courses run 2–3 March 2026: a credential from them expires on 3 March 2028.
NEW_EXPIRY = D(2028, 3, 3)


@pytest.fixture(autouse=True)
def closing_day():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC), tick=False):
        yield


def course_attended_by(holder, program="CSM"):
    course, [enrollment] = course_with_attendees(1, program=ProgramFactory(code=program))
    enrollment.practitioner = holder
    enrollment.save()
    return course


def close(course, capture):
    with capture(execute=True):
        return close_course(course=course)


def test_a_new_course_renews_the_holders_other_credential_to_the_new_expiry(
    django_capture_on_commit_callbacks,
):
    cspo = credential_expiring(D(2026, 5, 1))
    Credential.objects.filter(pk=cspo.pk).update(status=Credential.Status.RENEWAL_DUE)
    seus_for(cspo.holder, 12, earned_on=D(2026, 1, 15))
    old_cycle = RenewalCycle.objects.get(credential=cspo)

    result = close(course_attended_by(cspo.holder), django_capture_on_commit_callbacks)

    [csm] = result.issued
    assert csm.program.code == "CSM" and csm.expires_on == NEW_EXPIRY
    assert result.renewed == [cspo]
    cspo.refresh_from_db()
    assert cspo.expires_on == NEW_EXPIRY
    assert (cspo.status, cspo.status_changed_on) == (Credential.Status.ACTIVE, D(2026, 3, 10))
    old_cycle.refresh_from_db()
    assert old_cycle.status == RenewalCycle.Status.COMPLETED and old_cycle.completed_at
    new_cycle = RenewalCycle.objects.get(credential=cspo, status=RenewalCycle.Status.OPEN)
    assert (new_cycle.window_starts_on, new_cycle.ends_on) == (D(2026, 3, 3), NEW_EXPIRY)
    # No renewal used the SEUs logged so far: none is consumed.
    assert not SeuEntry.objects.filter(consumed_by__isnull=False).exists()


def test_a_credential_in_grace_is_renewed_and_a_lapsed_one_is_not():
    in_grace = credential_expiring(D(2026, 2, 1))  # grace ends 2 May 2026
    lapsed = credential_expiring(D(2025, 10, 1), program="CSD", holder=in_grace.holder)
    Credential.objects.filter(pk=lapsed.pk).update(status=Credential.Status.LAPSED)

    result = close_course(course=course_attended_by(in_grace.holder))

    assert result.renewed == [in_grace]
    assert Credential.objects.get(pk=in_grace.pk).expires_on == NEW_EXPIRY
    lapsed_now = Credential.objects.get(pk=lapsed.pk)
    assert (lapsed_now.expires_on, lapsed_now.status) == (D(2025, 10, 1), "lapsed")
    assert RenewalCycle.objects.filter(credential=lapsed).count() == 1


def test_a_credential_expiring_after_the_new_one_is_left_alone():
    later = credential_expiring(D(2028, 6, 1))
    result = close_course(course=course_attended_by(later.holder))
    assert result.renewed == []
    assert Credential.objects.get(pk=later.pk).expires_on == D(2028, 6, 1)


def test_a_credential_with_a_renewal_in_progress_is_left_alone():
    cspo = credential_expiring(D(2026, 5, 1))
    seus_for(cspo.holder, 20, earned_on=D(2026, 1, 15))
    renewal = submit_renewal(practitioner=cspo.holder, credentials=[cspo], payment_reference="P-1")

    result = close_course(course=course_attended_by(cspo.holder))

    assert result.renewed == []
    assert Credential.objects.get(pk=cspo.pk).expires_on == D(2026, 5, 1)
    cycle = RenewalCycle.objects.get(credential=cspo)
    assert (cycle.status, cycle.renewal) == (RenewalCycle.Status.SUBMITTED, renewal)


def test_an_attendee_who_holds_the_program_already_keeps_one_credential_renewed(
    staff_client, django_capture_on_commit_callbacks
):
    cspo = credential_expiring(D(2026, 5, 1))
    csm = credential_expiring(D(2026, 9, 1), program="CSM", holder=cspo.holder)
    course = course_attended_by(cspo.holder, program="CSPO")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("course_close", args=[course.pk]), follow=True)

    held = Credential.objects.get(holder=cspo.holder, program__code="CSPO")
    assert (held.pk, held.certificate_number) == (cspo.pk, cspo.certificate_number)
    assert held.expires_on == NEW_EXPIRY and held.course is None
    assert Credential.objects.get(pk=csm.pk).expires_on == NEW_EXPIRY
    assert RenewalCycle.objects.get(credential=held, status="open").ends_on == NEW_EXPIRY
    page = response.content.decode()
    assert "0 credentials issued, 1 already held the program (no second credential)" in page
    assert "1 other credential renewed to the new expiry" in page
    assert "Holds it already" in page and cspo.certificate_number in page
    assert mail.outbox == []  # no welcome email: nothing new was issued


def test_an_attendee_whose_credential_of_the_program_lapsed_gets_a_new_one():
    lapsed = credential_expiring(D(2025, 10, 1))
    result = close_course(course=course_attended_by(lapsed.holder, program="CSPO"))
    [new] = result.issued
    assert new.pk != lapsed.pk and new.expires_on == NEW_EXPIRY
    assert result.already_held == [] and result.renewed == []
    assert Credential.objects.get(pk=lapsed.pk).expires_on == D(2025, 10, 1)


@pytest.mark.parametrize("program", ["CSM", "CSPO"])
def test_closing_again_renews_nothing_twice(program):
    cspo = credential_expiring(D(2026, 5, 1))
    course = course_attended_by(cspo.holder, program=program)
    close_course(course=course)
    cycles = list(RenewalCycle.objects.order_by("pk").values_list("pk", "status", "ends_on"))
    credentials = list(Credential.objects.order_by("pk").values_list("pk", "expires_on"))

    again = close_course(course=course)

    assert again.issued == [] and again.renewed == []
    assert list(RenewalCycle.objects.order_by("pk").values_list("pk", "status", "ends_on")) == (
        cycles
    )
    assert list(Credential.objects.order_by("pk").values_list("pk", "expires_on")) == credentials
