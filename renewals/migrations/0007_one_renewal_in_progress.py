from django.db import migrations, models
from django.db.models import Count


def refuse_duplicates(apps, schema_editor):
    """Say which practitioners hold several renewals in progress (staff must reject all but
    one first) instead of failing on the index with a bare IntegrityError."""
    Renewal = apps.get_model("renewals", "Renewal")
    clashes = list(
        Renewal.objects.filter(status__in=["submitted", "needs_approval"])
        .values("practitioner_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("practitioner_id", flat=True)
    )
    if clashes:
        raise RuntimeError(
            "Practitioners with more than one renewal in progress (ids "
            f"{', '.join(map(str, clashes))}): reject all but one of each, then migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("certifications", "0002_ship_programs"),
        ("renewals", "0006_cycle_seus_addon_snapshot"),
    ]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="renewal",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["submitted", "needs_approval"])),
                fields=("practitioner",),
                name="renewal_one_in_progress_per_practitioner",
                violation_error_message="You already have a renewal in progress.",
            ),
        ),
    ]
