"""Ship the Scrum Alliance programs of docs/domain.md as data rows."""

from decimal import Decimal

from django.db import migrations

LEVELS = {
    # level: (renewal fee, primary SEUs, add-on SEUs)
    1: (Decimal("100"), Decimal("20"), Decimal("10")),
    2: (Decimal("175"), Decimal("30"), Decimal("15")),
    3: (Decimal("250"), Decimal("40"), Decimal("20")),
}
PROGRAMS = [
    ("CSPO", "Certified Scrum Product Owner", 1, "po"),
    ("CSM", "Certified ScrumMaster", 1, "sm"),
    ("CSD", "Certified Scrum Developer", 1, "dev"),
    ("A-CSPO", "Advanced Certified Scrum Product Owner", 2, "po"),
    ("A-CSM", "Advanced Certified ScrumMaster", 2, "sm"),
    ("CSP-PO", "Certified Scrum Professional - Product Owner", 3, "po"),
    ("CSP-SM", "Certified Scrum Professional - ScrumMaster", 3, "sm"),
    ("CSP", "Certified Scrum Professional", 3, "general"),
]


def ship(apps, schema_editor):
    Program = apps.get_model("certifications", "Program")
    for code, name, level, track in PROGRAMS:
        fee, primary, addon = LEVELS[level]
        Program.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "issuing_body": "Scrum Alliance",
                "level": level,
                "track": track,
                "validity_months": 24,
                "lookback_months": 24,
                "seus_required": primary,
                "seus_addon": addon,
                "renewal_fee": fee,
                "fee_currency": "USD",
                "grace_days": 90,
                "renewal_opens_after_days": 30,
                "reminder_lead_days": 90,
                "course_hours_required": Decimal("16"),
                "course_requires_all_sessions": True,
                "default_session_count": 2,
                "default_session_hours": Decimal("8"),
            },
        )


def unship(apps, schema_editor):
    Program = apps.get_model("certifications", "Program")
    Program.objects.filter(code__in=[p[0] for p in PROGRAMS], credentials__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("certifications", "0001_initial")]
    operations = [migrations.RunPython(ship, unship)]
