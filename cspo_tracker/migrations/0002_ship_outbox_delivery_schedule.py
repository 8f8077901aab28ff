from django.db import migrations

from cspo_tracker.beat import ship_periodic_task, unship_periodic_task

NAME = "deliver-outbox"


def ship(apps, schema_editor):
    ship_periodic_task(
        apps, NAME, description="Sends outbox emails the broker never got or that failed."
    )


def unship(apps, schema_editor):
    unship_periodic_task(apps, NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("cspo_tracker", "0001_outbound_email"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(ship, unship)]
