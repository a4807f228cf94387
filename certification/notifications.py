"""Emails of certification, each in its recipient's language. Called from Celery tasks."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from certification import openbadges
from certification.models import Certificate, Submission
from certification.selectors import localized_programme


def _absolute(path: str) -> str:
    return settings.CERTIFICATION_PUBLIC_BASE_URL.rstrip("/") + path


def notify(*, recipient, template: str, context: dict) -> bool:
    """Send ``certification/email/<template>_{subject,body}.txt``; False when the person
    has no address (workers often have none)."""
    if not recipient.email:
        return False
    language = recipient.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {**context, "recipient": recipient}
        if "programme" in context:
            context["programme"] = localized_programme(context["programme"], language)
        subject = render_to_string(f"certification/email/{template}_subject.txt", context)
        body = render_to_string(f"certification/email/{template}_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [recipient.email])
    return True


def submission_event(*, submission: Submission, event: str) -> int:
    """``submitted``: the programme's assessors; a decision: the candidate; ``commented``:
    the other side of the conversation (the candidate, or the assessors)."""
    candidacy = submission.candidacy
    sent = 0
    comment = submission.comments.select_related("author").order_by("-created_at").first()
    if event == "commented":
        if comment is None:
            return 0
        if comment.author_id == candidacy.candidate_id:
            recipients = list(candidacy.programme.assessors.exclude(pk=candidacy.candidate_id))
            if submission.reviewer_id:
                recipients = [r for r in recipients if r.pk == submission.reviewer_id] or recipients
        else:
            recipients = [candidacy.candidate]
        for person in recipients:
            with translation.override(person.preferred_language):
                link = _absolute(reverse("certification:submission", args=[submission.pk]))
            sent += notify(
                recipient=person,
                template="submission_commented",
                context={"submission": submission, "comment": comment, "link": link},
            )
        return sent
    if event == "submitted":
        for assessor in candidacy.programme.assessors.exclude(pk=candidacy.candidate_id):
            with translation.override(assessor.preferred_language):
                link = _absolute(reverse("certification:review", args=[submission.pk]))
            sent += notify(
                recipient=assessor,
                template="submission_submitted",
                context={
                    "submission": submission,
                    "candidacy": candidacy,
                    "programme": candidacy.programme,
                    "link": link,
                },
            )
        return sent
    candidate = candidacy.candidate
    with translation.override(candidate.preferred_language):
        link = _absolute(reverse("certification:submission", args=[submission.pk]))
    return int(
        notify(
            recipient=candidate,
            template=f"submission_{event}",
            context={"submission": submission, "link": link, "comment": comment},
        )
    )


def certificate_event(*, certificate: Certificate, event: str, days_left: int | None = None):
    holder = certificate.holder
    with translation.override(holder.preferred_language):
        link = _absolute(reverse("certification:certificate", args=[certificate.code]))
    return notify(
        recipient=holder,
        template=f"certificate_{event}",
        context={
            "certificate": certificate,
            "programme": certificate.programme,
            "link": link,
            "verify_url": openbadges.verify_url(certificate),
            "days_left": days_left,
        },
    )
