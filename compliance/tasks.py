"""Celery tasks of the compliance room."""

from lms.celery import shared_task


@shared_task
def overdue_actions_remind() -> int:
    """Once a day (beat): remind each factory of its overdue improvement actions. Each
    reminder is claimed before it is sent, so a retried or doubled run never sends twice."""
    from compliance.plans import overdue_reminders_send

    return overdue_reminders_send()


# --- sharing with buyers (issue 17) -------------------------------------------------------------
# Each notice is claimed before it is sent (compliance.sharing_notify): retries never send twice.


@shared_task(ignore_result=True, autoretry_for=(OSError,), retry_backoff=60, max_retries=6)
def assessment_published_notify(assessment_id: int) -> int:
    from compliance import sharing_notify

    return sharing_notify.assessment_published(assessment_id=assessment_id)


@shared_task(ignore_result=True, autoretry_for=(OSError,), retry_backoff=60, max_retries=6)
def access_asked_notify(request_id: int) -> int:
    from compliance import sharing_notify

    return sharing_notify.access_asked(request_id=request_id)


@shared_task(ignore_result=True, autoretry_for=(OSError,), retry_backoff=60, max_retries=6)
def sharing_granted_notify(factory_id: int, buyer_id: int, scopes: list, stamp: str) -> int:
    from compliance import sharing_notify

    return sharing_notify.sharing_granted(
        factory_id=factory_id, buyer_id=buyer_id, scopes=scopes, stamp=stamp
    )


@shared_task
def response_decision_notify(response_id: int) -> int:
    """Tell a factory that its public response was approved or refused (once per decision,
    however often the task runs)."""
    from compliance.responses import decision_notify

    return decision_notify(response_id=response_id)
