"""Tasks of the portal: the health check, and keeping the communities of certificate
holders in step with their certificates. Each is idempotent, so a retried or repeated
task changes nothing more."""

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import OperationalError

from lms.celery import shared_task

RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}


@shared_task(name="portal.health_check")
def health_check(token: str) -> dict:
    """Prove a worker reaches the database and the cache: count people, store the answer."""
    answer = {"token": token, "people": get_user_model().objects.count()}
    cache.set(f"health-check:{token}", answer, timeout=300)
    return answer


@shared_task(**RETRY)
def certificate_communities_grant_task(certificate_id: int) -> int:
    """A certificate was issued or renewed: add its holder to the linked communities."""
    from certification.models import Certificate
    from lms.portal.services import certificate_communities_grant

    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None:
        return 0
    return certificate_communities_grant(certificate=certificate)


@shared_task(**RETRY)
def certificate_communities_withdraw_task(user_id: int | None = None) -> int:
    """A certificate was revoked (``user_id``: its holder), or the daily sweep for expired
    certificates and removed links (everyone)."""
    from lms.portal.services import certificate_communities_withdraw

    return certificate_communities_withdraw(user=user_id)


@shared_task(**RETRY)
def certificate_community_fill_task(link_id: int) -> int:
    """Staff linked a community to a programme: add the programme's current holders."""
    from lms.portal.models import CertificateCommunity
    from lms.portal.services import certificate_community_fill

    link = CertificateCommunity.objects.filter(pk=link_id).first()
    return certificate_community_fill(link=link) if link else 0
