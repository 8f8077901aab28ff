from django.db import migrations

from cspo_tracker.beat import ship_periodic_task, unship_periodic_task

NAME = "prune-personal-data"


def ship(apps, schema_editor):
    ship_periodic_task(
        apps,
        NAME,
        description="Deletes personal data past its retention limit, in bounded batches, "
        "and resumes account erasures a failed step left unfinished.",
    )


def unship(apps, schema_editor):
    unship_periodic_task(apps, NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("cspo_tracker", "0004_pruned_rows_and_retirements"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(ship, unship)]
