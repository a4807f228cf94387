"""Celery tasks of the compliance room."""

from celery import shared_task


@shared_task
def overdue_actions_remind() -> int:
    """Once a day (beat): remind each factory of its overdue improvement actions. Each
    reminder is claimed before it is sent, so a retried or doubled run never sends twice."""
    from compliance.plans import overdue_reminders_send

    return overdue_reminders_send()


@shared_task
def response_decision_notify(response_id: int) -> int:
    """Tell a factory that its public response was approved or refused (once per decision,
    however often the task runs)."""
    from compliance.responses import decision_notify

    return decision_notify(response_id=response_id)
