"""Development and deployment around email: the console prints what a person reads,
and `check --deploy` catches a sender left at noreply@localhost."""

import io

from django.core.checks import run_checks
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command

from cspo_tracker.outbox.console import EmailBackend

LINK = "http://localhost:8000/accounts/confirm-email/MTI3:1vAbCd:Xy_zQwErTyUiOpAsDfGhJkLzXcVbNm1234567890/"


def test_the_console_prints_the_text_part_with_links_whole():
    stream = io.StringIO()
    message = EmailMultiAlternatives(
        subject="Confirm your address",
        body=f"Hello Zoë,\n\nConfirm your address: {LINK}\n",
        from_email="CSPO Tracker <noreply@localhost>",
        to=["zoe@example.org"],
        headers={"Message-ID": "<k@cspo.example.org>"},
    )
    message.attach_alternative(f'<p><a href="{LINK}">Confirm</a></p>', "text/html")
    EmailBackend(stream=stream).send_messages([message])
    printed = stream.getvalue()
    assert any(line.endswith(LINK) for line in printed.splitlines())
    assert "Hello Zoë," in printed  # decoded, not =C3=AB
    assert "=\n" not in printed
    assert "Subject: Confirm your address" in printed
    assert "Message-ID: <k@cspo.example.org>" in printed


def test_check_deploy_warns_about_a_sender_left_at_localhost(settings):
    settings.DEFAULT_FROM_EMAIL = "CSPO Tracker <noreply@localhost>"
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "cspo_tracker.W001" in ids
    settings.DEFAULT_FROM_EMAIL = "CSPO Tracker <reminders@cspo.example.org>"
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "cspo_tracker.W001" not in ids
    out = io.StringIO()
    call_command("check", stdout=out)  # not a deploy check: development stays quiet
    assert "cspo_tracker.W001" not in out.getvalue()
