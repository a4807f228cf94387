"""Read side of sign-up for classroom sessions and seminars: which sessions a person may take,
who may register whom, and a session's roster (seats, waiting list, no-shows).

Eligibility, in one rule the list pages and the services share: a person may take a session
of their own cohort; or, in the cohort's country and (when the cohort is run for one
organisation) in that organisation, a session of a course they take without a cohort, or of a
course they may join (by themselves when it allows self-enrolment; their manager or trainer
may enrol them in any).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from courses.models import Attendance, ClassSession, Enrolment, SessionRegistration
from courses.selectors import cohorts_visible_to

ACTIVE = (SessionRegistration.Status.REGISTERED, SessionRegistration.Status.WAITLISTED)


def _eligible_q(learner, *, by_self: bool) -> Q:
    enrolments = Enrolment.objects.filter(learner=learner)
    own_cohort = Q(cohort__in=enrolments.filter(cohort__isnull=False).values("cohort"))
    place = Q(cohort__country_id=learner.country_id) & (
        Q(cohort__organisation__isnull=True) | Q(cohort__organisation_id=learner.organisation_id)
    )
    enrolled_alone = Q(cohort__course__in=enrolments.filter(cohort__isnull=True).values("course"))
    may_join = ~Q(cohort__course__in=enrolments.values("course"))
    if by_self:
        may_join &= Q(cohort__course__self_enrolment=True)
    if learner.country_id is None:
        return own_cohort
    return own_cohort | (place & (enrolled_alone | may_join))


def _count_of(registrations) -> Subquery:
    counted = (
        registrations.filter(session=OuterRef("pk"))
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_seat_counts(sessions: QuerySet[ClassSession]) -> QuerySet[ClassSession]:
    """Annotate ``seats_taken`` and ``waiting`` without joining (one query however many)."""
    return sessions.annotate(
        seats_taken=_count_of(
            SessionRegistration.objects.filter(status__in=SessionRegistration.SEATED)
        ),
        waiting=_count_of(
            SessionRegistration.objects.filter(status=SessionRegistration.Status.WAITLISTED)
        ),
    )


def learner_may_take_session(*, learner, session: ClassSession, by_self: bool = True) -> bool:
    return (
        ClassSession.objects.filter(pk=session.pk).filter(_eligible_q(learner, by_self=by_self))
    ).exists()


def is_manager_of(*, actor, learner) -> bool:
    """A manager acts for the people of their own organisation, in their own country."""
    return bool(
        actor.is_authenticated
        and actor.has_role("manager")
        and actor.organisation_id
        and actor.organisation_id == learner.organisation_id
        and actor.country_id == learner.country_id
    )


def runs_session(*, actor, session: ClassSession) -> bool:
    """The session's trainers, and staff of its country (global staff anywhere)."""
    return cohorts_visible_to(user=actor).filter(pk=session.cohort_id).exists()


def may_register_for(*, actor, learner, session: ClassSession) -> bool:
    """May ``actor`` sign ``learner`` up for (or off) ``session``? The person themself, their
    organisation's manager, or whoever runs the session (for learners of its country)."""
    if not actor.is_authenticated:
        return False
    if actor.pk == learner.pk or is_manager_of(actor=actor, learner=learner):
        return True
    return learner.country_id == session.cohort.country_id and runs_session(
        actor=actor, session=session
    )


@dataclass
class SessionRow:
    session: ClassSession
    status: str | None
    waitlist_rank: int | None
    now: dt.datetime

    @property
    def seats_left(self) -> int:
        return max(self.session.capacity - self.session.seats_taken, 0)

    @property
    def signup_not_yet_open(self) -> bool:
        opens = self.session.registration_opens_at
        return bool(opens and self.now < opens)

    @property
    def signup_closed(self) -> bool:
        return self.now >= self.session.registration_closes

    @property
    def may_cancel(self) -> bool:
        return self.status in ACTIVE and self.now < self.session.cancellation_closes


def open_sessions_for(*, learner, now: dt.datetime | None = None) -> list[SessionRow]:
    """Upcoming sessions that take sign-ups and that the learner may take or has signed up
    for, each with the learner's status and waiting-list rank: two queries in all."""
    now = now or timezone.now()
    mine = SessionRegistration.objects.filter(learner=learner, status__in=ACTIVE)
    sessions = with_seat_counts(
        ClassSession.objects.filter(capacity__isnull=False, starts_at__gt=now)
        .filter(Q(_eligible_q(learner, by_self=True)) | Q(pk__in=mine.values("session")))
        .select_related("cohort__course")
        .order_by("starts_at", "pk")
    )[:100]
    sessions = list(sessions)
    own = {
        r.session_id: r
        for r in SessionRegistration.objects.filter(
            learner=learner, session__in=[s.pk for s in sessions]
        ).annotate(
            ahead=_waiting_ahead(),
        )
    }
    rows = []
    for session in sessions:
        registration = own.get(session.pk)
        status = registration.status if registration else None
        rank = registration.ahead + 1 if status == SessionRegistration.Status.WAITLISTED else None
        rows.append(SessionRow(session=session, status=status, waitlist_rank=rank, now=now))
    return rows


def _waiting_ahead():
    ahead = (
        SessionRegistration.objects.filter(
            session=OuterRef("session"),
            status=SessionRegistration.Status.WAITLISTED,
            waitlist_position__lt=OuterRef("waitlist_position"),
        )
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(ahead, output_field=IntegerField()), Value(0))


def waitlist_rank(registration: SessionRegistration) -> int | None:
    """1 for the first person waiting."""
    if registration.status != SessionRegistration.Status.WAITLISTED:
        return None
    return (
        SessionRegistration.objects.filter(
            session_id=registration.session_id,
            status=SessionRegistration.Status.WAITLISTED,
            waitlist_position__lt=registration.waitlist_position,
        ).count()
        + 1
    )


def sessions_open_for_staff_of(*, manager, now: dt.datetime | None = None):
    """Upcoming sign-up sessions a manager's organisation may join (cohorts run for it, or
    open to its country)."""
    now = now or timezone.now()
    if not (manager.has_role("manager") and manager.organisation_id):
        return ClassSession.objects.none()
    return with_seat_counts(
        ClassSession.objects.filter(
            capacity__isnull=False,
            starts_at__gt=now,
            cohort__country_id=manager.country_id,
        )
        .filter(
            Q(cohort__organisation__isnull=True)
            | Q(cohort__organisation_id=manager.organisation_id)
        )
        .select_related("cohort__course")
        .order_by("starts_at", "pk")
    )


def staff_of(*, manager) -> QuerySet:
    from lms.accounts.models import User

    return User.objects.filter(
        organisation_id=manager.organisation_id,
        country_id=manager.country_id,
        is_active=True,
    ).order_by("display_name", "username", "pk")


def registrations_of(*, session: ClassSession, learner_ids) -> dict[int, SessionRegistration]:
    return {
        r.learner_id: r
        for r in SessionRegistration.objects.filter(session=session, learner_id__in=learner_ids)
    }


@dataclass
class Roster:
    session: ClassSession
    seated: list[SessionRegistration] = field(default_factory=list)
    waiting: list[SessionRegistration] = field(default_factory=list)
    cancelled: list[SessionRegistration] = field(default_factory=list)
    present: set[int] = field(default_factory=set)

    @property
    def no_shows(self) -> list[SessionRegistration]:
        return [r for r in self.seated if r.status == SessionRegistration.Status.NO_SHOW]

    @property
    def seats_left(self) -> int:
        return max((self.session.capacity or 0) - len(self.seated), 0)


def session_roster(*, session: ClassSession) -> Roster:
    """Everyone signed up for a session, in three queries whatever its size."""
    roster = Roster(session=session)
    registrations = (
        SessionRegistration.objects.filter(session=session)
        .select_related("learner__organisation", "registered_by")
        .order_by("waitlist_position", "created_at", "pk")
    )
    for registration in registrations:
        if registration.status in SessionRegistration.SEATED:
            roster.seated.append(registration)
        elif registration.status == SessionRegistration.Status.WAITLISTED:
            roster.waiting.append(registration)
        else:
            roster.cancelled.append(registration)
    roster.seated.sort(key=lambda r: (r.learner.name.lower(), r.pk))
    roster.present = set(
        Attendance.objects.filter(session=session, present=True).values_list(
            "learner_id", flat=True
        )
    )
    return roster


def sessions_run_by(*, user) -> QuerySet[ClassSession]:
    """Sign-up sessions the user runs (as trainer or staff), for the roster links."""
    return ClassSession.objects.filter(
        capacity__isnull=False, cohort__in=cohorts_visible_to(user=user).values("pk")
    ).select_related("cohort")
