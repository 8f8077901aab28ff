"""Periodic tasks are rows in django-celery-beat's tables, so staff can change or pause
them in the admin. Migrations ship each entry of settings.INITIAL_BEAT_SCHEDULE once and
never overwrite a schedule staff already changed."""

from django.conf import settings


def ship_periodic_task(apps, name, *, description=""):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    entry = settings.INITIAL_BEAT_SCHEDULE.get(name)
    if entry is None or PeriodicTask.objects.filter(name=name).exists():
        return  # retired since (a later migration removes it) or shipped already
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
        name=name, task=entry["task"], crontab=crontab, enabled=True, description=description
    )


def unship_periodic_task(apps, name):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=name).delete()
