"""Put the daily renewal sweep into django-celery-beat's tables, where staff edit it in
the admin (Periodic tasks). Running it again changes nothing."""

from django.db import migrations

from cspo_tracker.beat import ship_periodic_task, unship_periodic_task

NAME = "daily-renewal-sweep"


def ship(apps, schema_editor):
    ship_periodic_task(
        apps,
        NAME,
        description="Refresh credential statuses and send the renewal reminders that are due.",
    )


def unship(apps, schema_editor):
    unship_periodic_task(apps, NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("renewals", "0003_renewal_confirmation_sent_at"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(ship, unship)]
