"""What a participant may evaluate and what is waiting for them (the notification room
will build its reminder on ``evaluations_waiting_for``)."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from courses.evaluations.models import EvaluationReceipt, Target
from courses.models import Attendance, ClassSession, CoursePage, Enrolment

# How long after a session or a completion its evaluation is still asked for.
EVALUATION_WINDOW = dt.timedelta(days=90)


@dataclass
class Subject:
    """What an evaluation is about, and the facts its answer keeps (no person)."""

    target: str
    target_id: int
    title: str
    course: CoursePage
    cohort_id: int | None
    session_id: int | None
    country_id: int | None
    has_trainer: bool
    when: dt.datetime


def _answered(*, person, target) -> set[int]:
    return set(
        EvaluationReceipt.objects.filter(person=person, target=target).values_list(
            "target_id", flat=True
        )
    )


def _session_subject(session: ClassSession) -> Subject:
    return Subject(
        target=Target.SESSION,
        target_id=session.pk,
        title=session.title,
        course=session.cohort.course,
        cohort_id=session.cohort_id,
        session_id=session.pk,
        country_id=session.cohort.country_id,
        has_trainer=True,
        when=session.ends_at,
    )


def _course_subject(enrolment: Enrolment, person) -> Subject:
    cohort = enrolment.cohort
    return Subject(
        target=Target.COURSE,
        target_id=enrolment.course_id,
        title=enrolment.course.title,
        course=enrolment.course,
        cohort_id=cohort.pk if cohort else None,
        session_id=None,
        country_id=cohort.country_id if cohort else person.country_id,
        has_trainer=cohort is not None,
        when=enrolment.completed_at,
    )


def evaluations_waiting_for(*, person, now: dt.datetime | None = None) -> list[Subject]:
    """Sessions the person attended and courses they completed in the last 90 days that
    they have not evaluated yet, the most recent first. Four queries."""
    if not getattr(person, "is_authenticated", False):
        return []
    now = now or timezone.now()
    since = now - EVALUATION_WINDOW
    sessions = (
        ClassSession.objects.filter(
            attendance__learner=person,
            attendance__present=True,
            ends_at__lte=now,
            ends_at__gte=since,
        )
        .exclude(pk__in=_answered(person=person, target=Target.SESSION))
        .select_related("cohort__course")
    )
    enrolments = (
        Enrolment.objects.filter(learner=person, completed_at__gte=since, completed_at__lte=now)
        .exclude(course_id__in=_answered(person=person, target=Target.COURSE))
        .select_related("course", "cohort")
    )
    waiting = [_session_subject(s) for s in sessions]
    waiting += [_course_subject(e, person) for e in enrolments]
    return sorted(waiting, key=lambda subject: subject.when, reverse=True)


def evaluation_subject(*, person, target: str, target_id: int) -> Subject | None:
    """What ``person`` may evaluate under this target: a session they attended that has
    ended, or a course they completed; ``None`` otherwise."""
    if not getattr(person, "is_authenticated", False):
        return None
    if target == Target.SESSION:
        attended = Attendance.objects.filter(
            session_id=target_id, learner=person, present=True, session__ends_at__lte=timezone.now()
        ).select_related("session__cohort__course")
        row = attended.first()
        return _session_subject(row.session) if row else None
    if target == Target.COURSE:
        enrolment = (
            Enrolment.objects.filter(
                learner=person, course_id=target_id, completed_at__isnull=False
            )
            .select_related("course", "cohort")
            .first()
        )
        return _course_subject(enrolment, person) if enrolment else None
    return None


def has_answered(*, person, target: str, target_id: int) -> bool:
    return EvaluationReceipt.objects.filter(
        person=person, target=target, target_id=target_id
    ).exists()
