"""Scheduled work of the courses room."""

from celery import shared_task


@shared_task(ignore_result=True)
def training_requirements_apply_task() -> None:
    """Once a day (beat): assign required training, open recurring cycles, send due-soon
    and overdue notices (``courses.training``; idempotent, so a retry is harmless)."""
    from courses.training import training_requirements_apply

    training_requirements_apply()
