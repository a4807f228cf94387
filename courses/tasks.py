"""Scheduled work of the courses room, run by Celery beat."""

from lms.celery import shared_task


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


# The notifications' scheduled work keeps the task names beat has always sent; the functions
# stay in courses.notifications, loaded by every web worker, which need not load Celery.
@shared_task(name="courses.notifications.session_reminders_send", ignore_result=True)
def session_reminders_send() -> int:
    from courses import notifications

    return notifications.session_reminders_send()


@shared_task(name="courses.notifications.module_openings_announce", ignore_result=True)
def module_openings_announce() -> int:
    from courses import notifications

    return notifications.module_openings_announce()


@shared_task(name="courses.notifications.evaluation_invitations_send", ignore_result=True)
def evaluation_invitations_send() -> int:
    from courses import notifications

    return notifications.evaluation_invitations_send()
