"""Scheduled work of the courses room, run by Celery beat."""

from celery import shared_task


@shared_task(ignore_result=True)
def session_no_shows_record_task() -> int:
    """Registrations of sessions that ended become ``attended`` or ``no_show`` from the
    attendance (see ``courses.registration_services.session_no_shows_record``)."""
    from courses.registration_services import no_shows_record_recent

    return no_shows_record_recent()


@shared_task(ignore_result=True)
def training_requirements_apply_task() -> None:
    """Once a day (beat): assign required training, open recurring cycles, send due-soon
    and overdue notices (``courses.training``; idempotent, so a retry is harmless)."""
    from courses.training import training_requirements_apply

    training_requirements_apply()
