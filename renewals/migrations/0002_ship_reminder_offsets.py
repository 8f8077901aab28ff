"""Default reminder offsets: 90, 60, 30 and 7 days before expiry, the expiry day
(always sent) and 30 days after it."""

from django.db import migrations

OFFSETS = [
    ("90-days-before", 90, True),
    ("60-days-before", 60, True),
    ("30-days-before", 30, True),
    ("7-days-before", 7, True),
    ("expiry-day", 0, False),
    ("30-days-after", -30, True),
]


def ship(apps, schema_editor):
    ReminderOffset = apps.get_model("renewals", "ReminderOffset")
    for code, days, optional in OFFSETS:
        ReminderOffset.objects.update_or_create(
            code=code, defaults={"days_before_expiry": days, "is_optional": optional}
        )


def unship(apps, schema_editor):
    apps.get_model("renewals", "ReminderOffset").objects.filter(
        code__in=[o[0] for o in OFFSETS], reminders__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("renewals", "0001_initial")]
    operations = [migrations.RunPython(ship, unship)]
