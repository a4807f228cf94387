"""Required and recurring training (issue 22.6): services and selectors.

A ``TrainingRequirement`` says that people holding a role, in one organisation or in every
factory of a country, must take a course: due a number of days after they joined or after the
requirement reached them, and, for a refresher, again every few months. Each cycle of it for a
person is a ``TrainingAssignment``.

``training_requirements_apply`` runs once a day (Celery beat, ``courses.tasks``). It

1. marks cycles done whose enrolment completed (the ``course_completed`` receiver does this at
   once; the daily run catches up anything missed);
2. enrols the people a requirement now reaches and opens their first cycle;
3. opens the next cycle of a recurring training ``due_within_days`` before it falls due again
   (the last completion plus ``recur_every_months``, counted with dateutil's relativedelta so
   31 January plus one month is 28/29 February): the enrolment starts a new cycle, in which
   only learning from then on counts (``Enrolment.cycle_started_at``);
4. sends ``training_due_soon`` (``remind_days_before`` the due date) and ``training_overdue``
   (the day after it) once each per learner, course and due date: each notice is claimed by a
   conditional UPDATE before it is sent, so a rerun, or two runs at once, never send twice.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from courses import selectors
from courses.models import CoursePage, Enrolment, TrainingAssignment, TrainingRequirement
from courses.signals import training_due_soon, training_overdue
from lms.accounts.models import Organisation, User
from lms.learner_page_cache import learning_state_changed

logger = logging.getLogger(__name__)


@transaction.atomic
def training_requirement_create(
    *,
    course: CoursePage,
    role,
    country=None,
    organisation: Organisation | None = None,
    due_within_days: int = 30,
    due_from: str = TrainingRequirement.DueFrom.ASSIGNED,
    recur_every_months: int | None = None,
    remind_days_before: int = 14,
    created_by: User | None = None,
) -> TrainingRequirement:
    """Require ``course`` of everyone with ``role`` in ``organisation`` (or, without one, in
    every factory of ``country``)."""
    requirement = TrainingRequirement(
        course=selectors.canonical_page(course).specific,
        role=role,
        organisation=organisation,
        country=country if country is not None else organisation.country,
        due_within_days=due_within_days,
        due_from=due_from,
        recur_every_months=recur_every_months,
        remind_days_before=remind_days_before,
        created_by=created_by,
    )
    requirement.full_clean()
    requirement.save()
    return requirement


def requirement_people(requirement: TrainingRequirement) -> QuerySet[User]:
    """The active people a requirement reaches today."""
    people = User.objects.filter(is_active=True, roles=requirement.role_id)
    if requirement.organisation_id:
        return people.filter(organisation_id=requirement.organisation_id)
    return people.filter(
        organisation__country_id=requirement.country_id,
        organisation__kind=Organisation.Kind.FACTORY,
    )


def first_due_on(*, requirement: TrainingRequirement, joined: dt.datetime, today: dt.date):
    start = (
        timezone.localdate(joined)
        if requirement.due_from == TrainingRequirement.DueFrom.JOINED
        else today
    )
    return start + dt.timedelta(days=requirement.due_within_days)


def next_due_on(*, requirement: TrainingRequirement, completed_at: dt.datetime) -> dt.date:
    """When a recurring training falls due again after a completion."""
    return timezone.localdate(completed_at) + relativedelta(months=requirement.recur_every_months)


def next_cycle_opens_on(*, requirement: TrainingRequirement, due_on: dt.date) -> dt.date:
    """The next cycle opens as long before it is due as the first one gave."""
    return due_on - dt.timedelta(days=requirement.due_within_days)


@dataclass
class ApplyResult:
    completed: int = 0
    assigned: int = 0
    recurred: int = 0
    due_soon: int = 0
    overdue: int = 0


def training_requirements_apply(*, today: dt.date | None = None) -> ApplyResult:
    """The daily run (see the module's docstring). Idempotent: a second run the same day
    changes nothing and sends nothing."""
    today = today or timezone.localdate()
    result = ApplyResult()
    result.completed = assignment_completions_sync()
    requirements = list(
        TrainingRequirement.objects.filter(active=True).select_related("course").order_by("pk")
    )
    for requirement in requirements:
        result.assigned += _assign_first_cycles(requirement=requirement, today=today)
    for requirement in requirements:
        if requirement.recur_every_months:
            result.recurred += _open_next_cycles(requirement=requirement, today=today)
    result.due_soon, result.overdue = training_notices_send(today=today)
    return result


def assignment_completions_sync(*, learner=None, course=None) -> int:
    """Mark each open cycle done whose enrolment is complete (an enrolment's completion
    always belongs to its current cycle: opening a cycle clears it). One UPDATE."""
    completed = Enrolment.objects.filter(
        learner_id=OuterRef("learner_id"),
        course_id=OuterRef("course_id"),
        completed_at__isnull=False,
    ).values("completed_at")[:1]
    open_cycles = TrainingAssignment.objects.filter(completed_at__isnull=True).filter(
        Exists(completed)
    )
    if learner is not None:
        open_cycles = open_cycles.filter(learner=learner)
    if course is not None:
        open_cycles = open_cycles.filter(course_id=course.pk)
    return open_cycles.update(completed_at=Subquery(completed))


def _assign_first_cycles(*, requirement: TrainingRequirement, today: dt.date) -> int:
    already = TrainingAssignment.objects.filter(
        learner_id=OuterRef("pk"), course_id=requirement.course_id
    )
    newcomers = requirement_people(requirement).filter(~Exists(already)).order_by("pk")
    count = 0
    for person in newcomers.iterator(chunk_size=500):
        if _assign(requirement=requirement, learner=person, today=today):
            count += 1
    return count


def _assign(*, requirement: TrainingRequirement, learner: User, today: dt.date) -> bool:
    from courses.services import enrolment_create

    try:
        with transaction.atomic():
            enrolment = enrolment_create(
                learner=learner, course=requirement.course, source=Enrolment.Source.REQUIRED
            )
            TrainingAssignment.objects.create(
                learner=learner,
                course_id=requirement.course_id,
                requirement=requirement,
                cycle=1,
                due_on=first_due_on(
                    requirement=requirement, joined=learner.date_joined, today=today
                ),
                completed_at=enrolment.completed_at,
            )
    except IntegrityError:  # another run assigned it a moment ago
        return False
    return True


def _open_next_cycles(*, requirement: TrainingRequirement, today: dt.date) -> int:
    later = TrainingAssignment.objects.filter(
        learner_id=OuterRef("learner_id"),
        course_id=OuterRef("course_id"),
        cycle__gt=OuterRef("cycle"),
    )
    done = (
        TrainingAssignment.objects.filter(
            course_id=requirement.course_id, completed_at__isnull=False
        )
        .filter(~Exists(later))
        .filter(learner__in=requirement_people(requirement))
        .order_by("pk")
    )
    count = 0
    for assignment in done.iterator(chunk_size=500):
        due_on = next_due_on(requirement=requirement, completed_at=assignment.completed_at)
        if next_cycle_opens_on(requirement=requirement, due_on=due_on) > today:
            continue
        if _open_cycle(previous=assignment, requirement=requirement, due_on=due_on):
            count += 1
    return count


def _open_cycle(*, previous: TrainingAssignment, requirement, due_on: dt.date) -> bool:
    """A new cycle: the enrolment starts again (its completion cleared, only learning from
    now on counts) and the person is due again on ``due_on``."""
    now = timezone.now()
    try:
        with transaction.atomic():
            TrainingAssignment.objects.create(
                learner_id=previous.learner_id,
                course_id=previous.course_id,
                requirement=requirement,
                cycle=previous.cycle + 1,
                due_on=due_on,
            )
            restarted = Enrolment.objects.filter(
                learner_id=previous.learner_id, course_id=previous.course_id
            ).update(completed_at=None, cycle_started_at=now)
            learning_state_changed(learner_ids=[previous.learner_id])
            if not restarted:  # the enrolment was removed since: enrol again
                from courses.services import enrolment_create

                enrolment = enrolment_create(
                    learner=previous.learner,
                    course=requirement.course,
                    source=Enrolment.Source.REQUIRED,
                )
                Enrolment.objects.filter(pk=enrolment.pk).update(cycle_started_at=now)
    except IntegrityError:  # another run opened it a moment ago
        return False
    return True


def training_notices_send(*, today: dt.date) -> tuple[int, int]:
    """Send the due-soon and overdue signals that are due today, each claimed first."""
    open_cycles = TrainingAssignment.objects.filter(
        completed_at__isnull=True, requirement__active=True, learner__is_active=True
    ).select_related("requirement", "learner")
    courses: dict[int, CoursePage] = {}
    overdue = 0
    for assignment in open_cycles.filter(due_on__lt=today, overdue_sent_at__isnull=True):
        if _claim(assignment, "overdue_sent_at"):
            _send(training_overdue, assignment, courses)
            overdue += 1
    due_soon = 0
    for assignment in open_cycles.filter(due_on__gte=today, due_soon_sent_at__isnull=True):
        if assignment.due_on - today > dt.timedelta(days=assignment.requirement.remind_days_before):
            continue
        if _claim(assignment, "due_soon_sent_at"):
            _send(training_due_soon, assignment, courses)
            due_soon += 1
    return due_soon, overdue


def _claim(assignment: TrainingAssignment, field: str) -> bool:
    return bool(
        TrainingAssignment.objects.filter(pk=assignment.pk, **{f"{field}__isnull": True}).update(
            **{field: timezone.now()}
        )
    )


def _send(signal, assignment: TrainingAssignment, courses: dict[int, CoursePage]) -> None:
    if assignment.course_id not in courses:
        courses[assignment.course_id] = CoursePage.objects.get(pk=assignment.course_id).specific
    course = courses[assignment.course_id]
    for receiver, error in signal.send_robust(
        sender=type(course), learner=assignment.learner, course=course, due_on=assignment.due_on
    ):
        if isinstance(error, Exception):
            logger.error(
                "A receiver of a training notice failed (%s): %r", receiver, error, exc_info=error
            )


# --- reading ------------------------------------------------------------------------------


def current_assignments(*, learners) -> QuerySet[TrainingAssignment]:
    """Each person's latest cycle of each required training."""
    later = TrainingAssignment.objects.filter(
        learner_id=OuterRef("learner_id"),
        course_id=OuterRef("course_id"),
        cycle__gt=OuterRef("cycle"),
    )
    return TrainingAssignment.objects.filter(learner__in=learners).filter(~Exists(later))
