"""Celery tasks for courses: emails that go out after a commit, each sent at most once."""

from smtplib import SMTPException

from celery import shared_task

from . import services


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
)
def send_welcome_email(credential_id):
    return services.send_welcome_email(credential_id=credential_id)


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
)
def send_invitation(enrollment_id):
    return services.send_invitation(enrollment_id=enrollment_id)


@shared_task(acks_late=True)
def send_pending_course_emails():
    """Picks up welcome emails and invitations whose queueing failed."""
    return services.send_pending_course_emails()
