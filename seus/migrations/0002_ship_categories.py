"""The Scrum Alliance SEU categories (docs/domain.md, "SEUs"); no caps by default."""

from django.db import migrations

CATEGORIES = [
    (
        "A",
        "Scrum Alliance gatherings and events",
        "Global and regional gatherings, Scrum Alliance events.",
    ),
    ("B", "Scrum Alliance courses or coaching", "Scrum Alliance courses, coaching and mentoring."),
    ("C", "Outside events", "Conferences and events run by others."),
    ("D", "Volunteer service", "Volunteering for Scrum Alliance or the community."),
    ("E", "Independent learning", "Reading, videos, podcasts."),
    ("F", "Other collaborative learning", "User groups, study groups, communities of practice."),
]


def ship(apps, schema_editor):
    SeuCategory = apps.get_model("seus", "SeuCategory")
    for code, name, description in CATEGORIES:
        SeuCategory.objects.update_or_create(
            code=code, defaults={"name": name, "description": description}
        )


def unship(apps, schema_editor):
    apps.get_model("seus", "SeuCategory").objects.filter(
        code__in=[c[0] for c in CATEGORIES], entries__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("seus", "0001_initial")]
    operations = [migrations.RunPython(ship, unship)]
