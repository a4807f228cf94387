"""Erasure runs in a worker (it searches every table); the retention task proposes erasures
of accounts unused for longer than ``LMS_INACTIVE_ACCOUNT_RETENTION_DAYS``."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from lms.celery import shared_task
from lms.privacy.models import ErasureRequest

logger = logging.getLogger(__name__)


@shared_task
def erasure_run(erasure_id: int) -> str:
    """Carry out one approved request (once: a retried task finds it claimed and stops)."""
    from lms.accounts.audit import audit_event
    from lms.privacy.erasure import person_erase, pseudonym_new

    claimed = ErasureRequest.objects.filter(
        pk=erasure_id, status=ErasureRequest.Status.APPROVED
    ).update(status=ErasureRequest.Status.RUNNING)
    if not claimed:
        return "skipped"
    erasure = ErasureRequest.objects.select_related("person", "reviewed_by").get(pk=erasure_id)
    pseudonym = erasure.pseudonym or pseudonym_new()
    ErasureRequest.objects.filter(pk=erasure_id).update(pseudonym=pseudonym)
    try:
        person_erase(person=erasure.person, pseudonym=pseudonym)
    except Exception as error:
        ErasureRequest.objects.filter(pk=erasure_id).update(
            status=ErasureRequest.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    ErasureRequest.objects.filter(pk=erasure_id).update(
        status=ErasureRequest.Status.DONE, finished_at=timezone.now(), error=""
    )
    audit_event(
        actor=erasure.reviewed_by,
        subject=erasure.person,
        what="erased",
        details={"erasure_request": erasure_id},
    )
    _pages_cache_clear()
    return "done"


def _pages_cache_clear():
    """Cached public pages may still show the person's name."""
    from django.core.cache import caches

    try:
        caches["pages"].clear()
    except Exception:  # a cache that cannot be cleared expires on its own
        logger.warning("The page cache could not be cleared after an erasure.", exc_info=True)


def inactive_people(*, now=None):
    """People whose last sign-in (or sign-up, if they never signed in) is older than the
    retention period, who hold no staff role and have no erasure open or done."""
    from lms.accounts.models import STAFF_ROLES, User

    days = settings.LMS_INACTIVE_ACCOUNT_RETENTION_DAYS
    if not days:
        return User.objects.none()
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return (
        User.objects.filter(is_staff=False, is_superuser=False)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .exclude(roles__code__in=STAFF_ROLES)
        .exclude(erasure_requests__status__in=[*ErasureRequest.OPEN, ErasureRequest.Status.DONE])
        .distinct()
    )


@shared_task
def inactive_accounts_propose_erasure() -> int:
    """Open an erasure request for each inactive account, for staff to review (or, with
    ``LMS_INACTIVE_ACCOUNT_ERASURE = "erase"``, approved at once). Running twice opens
    nothing new."""
    from lms.privacy.services import erasure_request_create

    automatic = settings.LMS_INACTIVE_ACCOUNT_ERASURE == "erase"
    count = 0
    for person in inactive_people().iterator(chunk_size=500):
        erasure = erasure_request_create(person=person, source=ErasureRequest.Source.RETENTION)
        count += 1
        if automatic and erasure.status == ErasureRequest.Status.REQUESTED:
            ErasureRequest.objects.filter(pk=erasure.pk).update(
                status=ErasureRequest.Status.APPROVED, reviewed_at=timezone.now()
            )
            erasure_run.delay(erasure.pk)
    return count
