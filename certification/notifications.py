"""What certification tells people, through the core notification service
(lms.notifications): three kinds (evidence to review, a decision or comment on one's
evidence, news of one's certificate), each written from
``certification/email/<template>_{subject,body}.txt`` in the recipient's language. Called
from Celery tasks, so the notification is delivered in the same task."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from certification import openbadges
from certification.models import Certificate, Submission
from certification.selectors import localized_programme
from lms.notifications.models import Channel, Delivery
from lms.notifications.registry import Message, NotificationKind, register_kind
from lms.notifications.services import notification_send

EVIDENCE_TO_REVIEW = "certification.evidence_to_review"
EVIDENCE_REVIEWED = "certification.evidence_reviewed"
CERTIFICATE = "certification.certificate"


def _absolute(path: str) -> str:
    return settings.CERTIFICATION_PUBLIC_BASE_URL.rstrip("/") + path


def render(*, recipient, params, context):
    """The message from the event's templates, in the active (the recipient's) language."""
    template = params["template"]
    context = {**context, "recipient": recipient}
    if "programme" in context:
        context["programme"] = localized_programme(context["programme"], translation.get_language())
    subject = render_to_string(f"certification/email/{template}_subject.txt", context)
    body = render_to_string(f"certification/email/{template}_body.txt", context)
    return Message(subject=" ".join(subject.split()), body=body, link=context.get("link", ""))


def register():
    for code, label in (
        (EVIDENCE_TO_REVIEW, _("Certification: evidence waiting for your review")),
        (EVIDENCE_REVIEWED, _("Certification: decisions and comments on your evidence")),
        (CERTIFICATE, _("Certification: your certificates (issued, renewed, expiring)")),
    ):
        register_kind(NotificationKind(code, label, render))


def notify(*, recipient, template: str, context: dict, kind: str, key: str) -> bool:
    """Tell ``recipient`` about one event (once per ``key``); True when it went out by email
    (workers often have no address: they get the notice on the site, or a text message)."""
    notification = notification_send(
        recipient=recipient,
        kind=kind,
        key=key,
        params={"template": template},
        context=context,
        deliver_now=True,
    )
    if notification is None:
        return False
    return notification.deliveries.filter(
        channel=Channel.EMAIL, status=Delivery.Status.SENT
    ).exists()


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
                kind=EVIDENCE_TO_REVIEW if person != candidacy.candidate else EVIDENCE_REVIEWED,
                key=f"submission:{submission.pk}:comment:{comment.pk}",
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
                kind=EVIDENCE_TO_REVIEW,
                key=f"submission:{submission.pk}:submitted:{submission.submitted_at.isoformat()}",
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
            kind=EVIDENCE_REVIEWED,
            key=f"submission:{submission.pk}:{event}:{_when(submission.reviewed_at)}",
        )
    )


def _when(moment) -> str:
    return moment.isoformat() if moment else ""


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
        kind=CERTIFICATE,
        key=_certificate_key(certificate, event, days_left),
    )


def _certificate_key(certificate: Certificate, event: str, days_left: int | None) -> str:
    """Issued and revoked happen once; a renewal and each expiry reminder once per expiry
    date (and days left)."""
    if event in ("renewed", "expiring"):
        return f"certificate:{certificate.pk}:{event}:{certificate.expires_on}:{days_left}"
    return f"certificate:{certificate.pk}:{event}"
