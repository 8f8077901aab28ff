from django.db import migrations

from cspo_tracker.beat import ship_periodic_task, unship_periodic_task

NAME = "deliver-webhooks"


def ship(apps, schema_editor):
    ship_periodic_task(
        apps,
        NAME,
        description="Sends webhook retries now due, deliveries the broker never got and "
        "deliveries a stopped worker left leased.",
    )


def unship(apps, schema_editor):
    unship_periodic_task(apps, NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(ship, unship)]
