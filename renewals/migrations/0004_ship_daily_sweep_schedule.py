"""Put the daily renewal sweep into django-celery-beat's tables, where staff edit it in
the admin (Periodic tasks). Running it again changes nothing, and it never overwrites a
schedule staff already changed."""

from django.conf import settings
from django.db import migrations

NAME = "daily-renewal-sweep"


def ship(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    entry = settings.RENEWALS_INITIAL_BEAT_SCHEDULE[NAME]
    schedule = entry["schedule"]
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=str(schedule._orig_minute),
        hour=str(schedule._orig_hour),
        day_of_week=str(schedule._orig_day_of_week),
        day_of_month=str(schedule._orig_day_of_month),
        month_of_year=str(schedule._orig_month_of_year),
        timezone=settings.CELERY_TIMEZONE,
    )
    PeriodicTask.objects.create(
        name=NAME,
        task=entry["task"],
        crontab=crontab,
        enabled=True,
        description="Refresh credential statuses and send the renewal reminders that are due.",
    )


def unship(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("renewals", "0003_renewal_confirmation_sent_at"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(ship, unship)]
