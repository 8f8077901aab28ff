from decimal import Decimal

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def snapshot_addon_from_program(apps, schema_editor):
    """Existing cycles take their program's add-on SEUs, as open_cycle snapshots it now."""
    RenewalCycle = apps.get_model("renewals", "RenewalCycle")
    Program = apps.get_model("certifications", "Program")
    RenewalCycle.objects.update(
        seus_addon=Subquery(
            Program.objects.filter(credentials=OuterRef("credential_id")).values("seus_addon")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("certifications", "0002_ship_programs"),
        ("renewals", "0005_expiry_day_reminder_always_sent"),
    ]

    operations = [
        migrations.AddField(
            model_name="renewalcycle",
            name="seus_addon",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0"),
                help_text="SEUs this credential adds when renewed together with a higher one.",
                max_digits=6,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(snapshot_addon_from_program, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="renewalcycle",
            name="cycle_requirements_not_negative",
        ),
        migrations.AddConstraint(
            model_name="renewalcycle",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("fee_amount__gte", 0), ("seus_addon__gte", 0), ("seus_required__gte", 0)
                ),
                name="cycle_requirements_not_negative",
            ),
        ),
    ]
