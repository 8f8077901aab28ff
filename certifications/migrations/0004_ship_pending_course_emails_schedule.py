"""Put the hourly sweep for course emails whose queueing failed into django-celery-beat's
tables, where staff edit it in the admin. Running it again changes nothing."""

from django.db import migrations

from cspo_tracker.beat import ship_periodic_task, unship_periodic_task

NAME = "pending-course-emails"


def ship(apps, schema_editor):
    ship_periodic_task(
        apps, NAME, description="Send welcome emails and invitations whose queueing failed."
    )


def unship(apps, schema_editor):
    unship_periodic_task(apps, NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("certifications", "0003_course_audit_and_emails_sent"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(ship, unship)]
