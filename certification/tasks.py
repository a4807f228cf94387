"""Celery tasks of certification: issue, PDF, notifications and expiry reminders."""

import logging

from django.utils import timezone

from lms.celery import shared_task

logger = logging.getLogger(__name__)


@shared_task
def certificate_issue_task(candidacy_id: int) -> int | None:
    """Issue the certificate of a candidacy whose requirements are met (idempotent)."""
    from django.core.exceptions import ValidationError

    from certification.models import Candidacy
    from certification.services import certificate_issue

    candidacy = Candidacy.objects.filter(pk=candidacy_id).first()
    if candidacy is None:
        return None
    try:
        return certificate_issue(candidacy=candidacy).pk
    except ValidationError as error:
        logger.info("Certificate for candidacy %s not issued: %s", candidacy_id, error)
        return None


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def certificate_pdf_task(certificate_id: int) -> str:
    from certification.models import Certificate
    from certification.services import certificate_pdf_store

    certificate = Certificate.objects.select_related("programme", "holder").get(pk=certificate_id)
    return certificate_pdf_store(certificate=certificate).pdf.name


@shared_task
def certificate_notify_task(certificate_id: int, event: str) -> bool:
    from certification.models import Certificate
    from certification.notifications import certificate_event

    certificate = Certificate.objects.select_related("programme", "holder").get(pk=certificate_id)
    return certificate_event(certificate=certificate, event=event)


@shared_task
def submission_notify_task(submission_id: int, event: str) -> int:
    from certification.models import Submission
    from certification.notifications import submission_event

    submission = Submission.objects.select_related(
        "candidacy__candidate", "candidacy__programme", "requirement"
    ).get(pk=submission_id)
    return submission_event(submission=submission, event=event)


@shared_task
def expiry_reminders_send() -> int:
    """Remind holders 90, 30 and 7 days before expiry; each reminder at most once."""
    from certification.notifications import certificate_event
    from certification.services import expiry_reminder_mark_sent, expiry_reminders_due

    today = timezone.localdate()
    sent = 0
    for certificate, days_before in expiry_reminders_due(today=today):
        if expiry_reminder_mark_sent(certificate=certificate, days_before=days_before):
            certificate_event(
                certificate=certificate,
                event="expiring",
                days_left=(certificate.expires_on - today).days,
            )
            sent += 1
    return sent
