from django.db import migrations, models


def restore_expiry_day(apps, schema_editor):
    """A deployment that switched the expiry-day reminder off gets it back: it is always
    sent, and the constraint below could not be added otherwise."""
    ReminderOffset = apps.get_model("renewals", "ReminderOffset")
    ReminderOffset.objects.filter(days_before_expiry=0).update(is_optional=False, is_active=True)


class Migration(migrations.Migration):
    dependencies = [
        ("renewals", "0004_ship_daily_sweep_schedule"),
    ]

    operations = [
        migrations.RunPython(restore_expiry_day, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="reminderoffset",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("days_before_expiry", 0), _negated=True),
                    models.Q(("is_active", True), ("is_optional", False)),
                    _connector="OR",
                ),
                name="reminder_offset_expiry_day_always_sent",
                violation_error_message="The expiry-day reminder is always sent: it stays "
                "active and cannot be made optional.",
            ),
        ),
    ]
