from importlib import import_module

from django.apps import apps
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from config.celery import app as celery_app
from renewals import tasks

ship = import_module("renewals.migrations.0004_ship_daily_sweep_schedule").ship


def test_the_daily_sweep_is_a_periodic_task_staff_can_edit_in_the_admin(db, admin_client):
    task = PeriodicTask.objects.get(name="daily-renewal-sweep")
    assert task.task == "renewals.tasks.daily_sweep" and task.enabled
    assert (task.crontab.minute, task.crontab.hour) == ("0", "6")
    page = admin_client.get(f"/admin/django_celery_beat/periodictask/{task.pk}/change/")
    assert page.status_code == 200


def test_shipping_the_schedule_again_keeps_what_staff_changed(db):
    task = PeriodicTask.objects.get(name="daily-renewal-sweep")
    task.crontab = CrontabSchedule.objects.create(minute="30", hour="2")
    task.save()
    ship(apps, None)
    task.refresh_from_db()
    assert PeriodicTask.objects.filter(name="daily-renewal-sweep").count() == 1
    assert (task.crontab.minute, task.crontab.hour) == ("30", "2")


def test_beat_starting_up_does_not_overwrite_the_edited_schedule(transactional_db):
    """Beat's DatabaseScheduler closes database connections, hence a transactional test."""
    from django_celery_beat.schedulers import DatabaseScheduler

    ship(apps, None)  # a flush by an earlier transactional test removes the shipped row
    task = PeriodicTask.objects.get(name="daily-renewal-sweep")
    task.crontab = CrontabSchedule.objects.create(minute="15", hour="4")
    task.save()
    scheduler = DatabaseScheduler(app=celery_app, lazy=False)
    assert "daily-renewal-sweep" in scheduler.schedule
    task.refresh_from_db()
    assert (task.crontab.minute, task.crontab.hour) == ("15", "4")


def test_tasks_acknowledge_late_so_a_killed_worker_loses_nothing():
    from cspo_tracker import tasks as outbox_tasks

    for task in (
        outbox_tasks.deliver_emails,
        outbox_tasks.deliver_email,
        outbox_tasks.deliver_due_emails,
        tasks.daily_sweep,
    ):
        assert task.acks_late is True
    assert celery_app.conf.task_reject_on_worker_lost is True


def test_the_outbox_delivery_ships_as_a_periodic_task_every_minute(db):
    assert not PeriodicTask.objects.filter(name="pending-course-emails").exists()
    task = PeriodicTask.objects.get(name="deliver-outbox")
    assert task.task == "cspo_tracker.tasks.deliver_due_emails" and task.enabled
    assert (task.crontab.minute, task.crontab.hour) == ("*", "*")
