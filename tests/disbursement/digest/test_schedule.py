"""The weekly digest is scheduled in the database for beat: Monday 07:00 Hải Phòng time, editable."""

import importlib

from django.apps import apps
from django_celery_beat.models import PeriodicTask

from config.celery import app

migration = importlib.import_module("disbursement.migrations.0007_digests")


def test_migration_schedules_the_registered_task_on_monday_morning(db):
    task = PeriodicTask.objects.get(name=migration.WEEKLY_TASK_NAME)

    assert task.enabled
    assert task.task in app.tasks
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("0", "7", "1")
    assert str(task.crontab.timezone) == "Asia/Ho_Chi_Minh"


def test_running_the_schedule_step_again_keeps_one_task_and_the_admins_edit(db):
    task = PeriodicTask.objects.get(name=migration.WEEKLY_TASK_NAME)
    task.crontab.hour = "6"
    task.crontab.save()

    migration.schedule_weekly_digest(apps, None)

    assert PeriodicTask.objects.filter(name=migration.WEEKLY_TASK_NAME).count() == 1
    assert PeriodicTask.objects.get(name=migration.WEEKLY_TASK_NAME).crontab.hour == "6"
