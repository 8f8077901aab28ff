"""Rows the data migrations ship (programs, SEU categories, reminder offsets).

Tests that flush the database (live server, transactional tests) lose them; the test
suite puts them back through the same functions the migrations run.
"""

from importlib import import_module

from django.apps import apps

SHIPPED = [
    ("certifications", "0002_ship_programs", "Program"),
    ("seus", "0002_ship_categories", "SeuCategory"),
    ("renewals", "0002_ship_reminder_offsets", "ReminderOffset"),
]


def restore_reference_data():
    for app_label, migration, model_name in SHIPPED:
        if not apps.get_model(app_label, model_name).objects.exists():
            import_module(f"{app_label}.migrations.{migration}").ship(apps, None)
