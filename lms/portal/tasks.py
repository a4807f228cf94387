"""Tasks of the portal."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.cache import cache


@shared_task(name="portal.health_check")
def health_check(token: str) -> dict:
    """Prove a worker reaches the database and the cache: count people, store the answer."""
    answer = {"token": token, "people": get_user_model().objects.count()}
    cache.set(f"health-check:{token}", answer, timeout=300)
    return answer
