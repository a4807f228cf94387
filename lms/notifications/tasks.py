"""Celery tasks: deliver one notification, and sweep deliveries whose task was lost."""

import datetime as dt

from django.utils import timezone

from lms.celery import shared_task
from lms.notifications.services import DeliveryRetry


@shared_task(ignore_result=True, autoretry_for=(DeliveryRetry,), retry_backoff=60, max_retries=4)
def notification_deliver_task(notification_id: int) -> dict:
    from lms.notifications.services import notification_deliver

    return notification_deliver(notification_id=notification_id)


@shared_task(ignore_result=True)
def notifications_deliver_pending() -> int:
    """Deliveries still pending some minutes after they were made (the broker lost the task,
    or its retries ran out while a provider was down) are tried again."""
    from lms.notifications.models import Delivery

    before = timezone.now() - dt.timedelta(minutes=5)
    ids = set(
        Delivery.objects.filter(status=Delivery.Status.PENDING, created_at__lt=before).values_list(
            "notification_id", flat=True
        )[:1000]
    )
    for notification_id in ids:
        notification_deliver_task.delay(notification_id)
    return len(ids)
