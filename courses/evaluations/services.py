"""Recording an evaluation: once per person and session or course, retry-safe, with the
answer kept apart from the person (see ``courses.evaluations.models``)."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from courses.evaluations import selectors
from courses.evaluations.models import EvaluationAnswer, EvaluationReceipt
from courses.services import CourseActionError


def plain_comment(text: str) -> str:
    """A comment as plain text: no markup, no control characters, trimmed."""
    text = strip_tags(text or "")
    text = "".join(c for c in text if c in "\n\t" or c.isprintable())
    return text.strip()[:2000]


def evaluation_submit(
    *,
    person,
    target: str,
    target_id: int,
    content_rating: int,
    trainer_rating: int | None = None,
    comment: str = "",
) -> bool:
    """Record an evaluation; ``False`` (and nothing written) when this person already
    answered for this session or course, so a retried form never counts twice."""
    subject = selectors.evaluation_subject(person=person, target=target, target_id=target_id)
    if subject is None:
        raise CourseActionError(
            _("You can evaluate a session you attended or a course you completed.")
        )
    if subject.has_trainer and trainer_rating is None:
        raise CourseActionError(_("Rate the trainer from 1 to 5."))
    answer = EvaluationAnswer(
        target=subject.target,
        course=subject.course,
        cohort_id=subject.cohort_id,
        session_id=subject.session_id,
        country_id=subject.country_id,
        content_rating=content_rating,
        trainer_rating=trainer_rating if subject.has_trainer else None,
        comment=plain_comment(comment),
        month=timezone.localdate().replace(day=1),
    )
    answer.full_clean()
    try:
        with transaction.atomic():
            EvaluationReceipt.objects.create(person=person, target=target, target_id=target_id)
            answer.save(force_insert=True)
    except IntegrityError:
        return False
    return True
