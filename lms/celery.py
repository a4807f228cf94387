"""The Celery application. With no broker configured, tasks run eagerly (see settings).

Web workers do not load Celery (about 23 MB a process) until they send a task: tasks modules
import ``shared_task`` from here, so the application below exists, configured from Django's
settings, before any task is declared or sent. ``celery -A lms`` finds it as ``lms.celery``.
The beat schedule in the settings names its crontab times as five-field strings (minute hour
day-of-month month day-of-week), turned into Celery's ``crontab`` here."""

import os

from celery import Celery, shared_task
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")

__all__ = ["app", "shared_task"]


def beat_schedule(entries: dict) -> dict:
    """The settings' beat entries with their crontab strings made Celery schedules."""

    def schedule(value):
        if not isinstance(value, str):
            return value  # seconds, a timedelta or a schedule already
        minute, hour, day_of_month, month_of_year, day_of_week = value.split()
        return crontab(
            minute=minute,
            hour=hour,
            day_of_month=day_of_month,
            month_of_year=month_of_year,
            day_of_week=day_of_week,
        )

    return {
        name: {**entry, "schedule": schedule(entry["schedule"])} for name, entry in entries.items()
    }


app = Celery("lms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.beat_schedule = beat_schedule(app.conf.beat_schedule or {})
app.autodiscover_tasks()
