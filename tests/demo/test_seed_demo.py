from django.core.management import call_command

from certifications.models import Course, Credential, Practitioner, Trainer
from renewals.models import RenewalCycle
from seus.models import SeuEntry


def _counts():
    return [
        m.objects.count()
        for m in (Practitioner, Trainer, Course, Credential, RenewalCycle, SeuEntry)
    ]


def test_seed_demo_twice_creates_nothing_twice(db, capsys):
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
    out = capsys.readouterr().out
    assert "demo@example.com" in out
    assert "0 credentials and 0 SEU entries created" in out


def test_seed_demo_covers_every_credential_state(db):
    call_command("seed_demo")
    assert (
        Credential.objects.filter(course__isnull=False).count() == 2
    )  # the partial attendee got none
    from renewals.selectors import credential_progress

    computed = {p.credential.pk: p.status for p in credential_progress(Credential.objects.all())}
    assert set(computed.values()) == {"active", "renewal_due", "grace", "lapsed"}

    # bin/run runs the sweep next: it stores the statuses the dashboard computes.
    call_command("send_renewal_reminders")
    assert dict(Credential.objects.values_list("pk", "status")) == computed


def test_the_demo_login_works(client, db):
    call_command("seed_demo")
    response = client.post(
        "/accounts/login/", {"login": "demo@example.com", "password": "cspo-demo-2026"}
    )
    assert response.status_code == 302
    page = client.get("/")
    assert b"CSPO-DEMO10001" in page.content


def test_the_demo_staff_login_asks_for_the_printed_totp_secret(client, db, capsys):
    from demo.seed import DEMO_TOTP_SECRET
    from tests.factories import totp_code

    call_command("seed_demo")
    out = capsys.readouterr().out
    assert f"secret={DEMO_TOTP_SECRET}" in out and "otpauth://totp/" in out
    response = client.post(
        "/accounts/login/", {"login": "admin@example.com", "password": "cspo-demo-2026"}
    )
    assert response.url == "/accounts/2fa/authenticate/"
    call_command("demo_totp_code")
    code = capsys.readouterr().out.strip()
    assert code == totp_code(DEMO_TOTP_SECRET)
    client.post("/accounts/2fa/authenticate/", {"code": code})
    assert client.get("/admin/").status_code == 200


def test_the_reports_show_the_demo_cohort_as_two_of_three_completed(db):
    from certifications.selectors import course_completion_report

    call_command("seed_demo")
    cohort = course_completion_report().get(title="CSPO (demo cohort)")
    assert (cohort.enrolled, cohort.completed, cohort.issued) == (3, 2, 2)
    assert round(cohort.completion_rate) == 67
