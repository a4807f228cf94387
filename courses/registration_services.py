"""Write side of sign-up for classroom sessions and seminars: registering (by oneself, a
manager or the trainer), the waiting list and its promotions, cancelling up to the deadline,
and no-shows derived from attendance once a session has ended.

Every change to a session's seats locks the session's row first (``select_for_update``), so
people taking the last seats at the same moment queue on that lock and the count they read is
the count that stands: a session is never overbooked. One registration row per person and
session (a unique constraint) makes a retried sign-up find the first.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from courses import registration_selectors as rs
from courses.models import Attendance, ClassSession, Enrolment, SessionRegistration
from courses.services import CourseActionError, enrolment_create
from courses.signals import waitlist_seat_given

Status = SessionRegistration.Status


class RegistrationNotAllowed(CourseActionError):
    """The person asking may not act for this learner or session."""


def _locked(session: ClassSession) -> ClassSession:
    return (
        ClassSession.objects.select_for_update(of=("self",))
        .select_related("cohort__course")
        .get(pk=session.pk)
    )


def _seats_taken(session: ClassSession) -> int:
    return SessionRegistration.objects.filter(
        session=session, status__in=SessionRegistration.SEATED
    ).count()


def _join_cohort(*, session: ClassSession, learner, registered_by) -> None:
    """Signing up puts the person into the session's cohort (enrolling them in its course if
    needed), so that the trainer's roster and attendance include them."""
    enrolment = Enrolment.objects.filter(
        learner=learner, course_id=session.cohort.course_id
    ).first()
    if enrolment is not None:
        # Eligibility allowed only an enrolment without a cohort, or in this one.
        if enrolment.cohort_id is None:
            enrolment.cohort = session.cohort
            enrolment.save(update_fields=["cohort"])
        return
    by_self = registered_by is None or registered_by.pk == learner.pk
    enrolment_create(
        learner=learner,
        course=session.cohort.course,
        cohort=session.cohort,
        source=Enrolment.Source.SELF if by_self else Enrolment.Source.TRAINER,
        enrolled_by=None if by_self else registered_by,
    )


@transaction.atomic
def session_registration_create(
    *, session: ClassSession, learner, registered_by, now: dt.datetime | None = None
) -> SessionRegistration:
    """Give ``learner`` a seat, or a place on the waiting list when the session is full.
    Signing up again returns the registration the person already has."""
    now = now or timezone.now()
    session = _locked(session)
    if not session.takes_registrations:
        raise CourseActionError(_("This session does not take sign-ups."))
    if not rs.may_register_for(actor=registered_by, learner=learner, session=session):
        raise RegistrationNotAllowed(_("You may not sign this person up for this session."))
    registration = SessionRegistration.objects.filter(session=session, learner=learner).first()
    if registration is not None and registration.status != Status.CANCELLED:
        return registration
    if session.registration_opens_at and now < session.registration_opens_at:
        raise CourseActionError(
            _("Sign-up opens on %(date)s.")
            % {"date": formats.date_format(timezone.localtime(session.registration_opens_at))}
        )
    if now >= session.registration_closes:
        raise CourseActionError(_("Sign-up for this session has closed."))
    by_self = registered_by.pk == learner.pk
    if not rs.learner_may_take_session(learner=learner, session=session, by_self=by_self):
        raise RegistrationNotAllowed(_("This session is not open to this person."))
    registration = registration or SessionRegistration(session=session, learner=learner)
    registration.registered_by = registered_by
    registration.cancelled_at = None
    if _seats_taken(session) < session.capacity:
        registration.status = Status.REGISTERED
        registration.waitlist_position = None
        registration.seat_given_at = now
    else:
        last = SessionRegistration.objects.filter(session=session).aggregate(
            last=Max("waitlist_position")
        )["last"]
        registration.status = Status.WAITLISTED
        registration.waitlist_position = (last or 0) + 1
        registration.seat_given_at = None
    _join_cohort(session=session, learner=learner, registered_by=registered_by)
    registration.save()
    return registration


def _promote_waiting(*, session: ClassSession, now: dt.datetime) -> list[SessionRegistration]:
    """Give free seats to the people waiting longest; each is told after the commit."""
    if now >= session.starts_at:
        return []
    free = session.capacity - _seats_taken(session)
    if free <= 0:
        return []
    promoted = list(
        SessionRegistration.objects.filter(session=session, status=Status.WAITLISTED)
        .select_related("learner", "session__cohort")
        .order_by("waitlist_position")[:free]
    )
    for registration in promoted:
        registration.status = Status.REGISTERED
        registration.waitlist_position = None
        registration.seat_given_at = now
        registration.save(
            update_fields=["status", "waitlist_position", "seat_given_at", "updated_at"]
        )
        transaction.on_commit(
            lambda registration=registration: waitlist_seat_given.send(
                sender=SessionRegistration, registration=registration
            )
        )
    return promoted


@transaction.atomic
def session_registration_cancel(
    *, registration: SessionRegistration, cancelled_by, now: dt.datetime | None = None
) -> SessionRegistration:
    """Give up a seat (the first person waiting gets it) or a place on the waiting list.
    The learner and their manager may cancel until the deadline; whoever runs the session,
    until it starts. Cancelling again changes nothing."""
    now = now or timezone.now()
    session = _locked(registration.session)
    registration = SessionRegistration.objects.select_related("learner").get(pk=registration.pk)
    learner = registration.learner
    if not rs.may_register_for(actor=cancelled_by, learner=learner, session=session):
        raise RegistrationNotAllowed(_("You may not change this person's sign-up."))
    if registration.status == Status.CANCELLED:
        return registration
    if registration.status not in rs.ACTIVE or now >= session.starts_at:
        raise CourseActionError(_("The session has started: it can no longer be cancelled."))
    if now >= session.cancellation_closes and not rs.runs_session(
        actor=cancelled_by, session=session
    ):
        raise CourseActionError(
            _("The time to cancel has passed. Tell your trainer if you cannot come.")
        )
    was_seated = registration.status == Status.REGISTERED
    registration.status = Status.CANCELLED
    registration.waitlist_position = None
    registration.cancelled_at = now
    registration.save(update_fields=["status", "waitlist_position", "cancelled_at", "updated_at"])
    if was_seated:
        _promote_waiting(session=session, now=now)
    return registration


@transaction.atomic
def session_signup_configure(
    *,
    session: ClassSession,
    capacity: int | None,
    registration_opens_at=None,
    registration_closes_at=None,
    cancellation_deadline=None,
    now: dt.datetime | None = None,
) -> ClassSession:
    """Open a session for sign-up (or change its seats and dates). More seats go at once to
    the people waiting; fewer seats never take a seat away from anyone."""
    now = now or timezone.now()
    session = _locked(session)
    if capacity is None and session.registrations.filter(status__in=rs.ACTIVE).exists():
        raise ValidationError(
            {"capacity": _("People have signed up: the session keeps a number of seats.")}
        )
    if capacity is not None and capacity < 1:
        raise ValidationError({"capacity": _("A session has at least one seat.")})
    session.capacity = capacity
    session.registration_opens_at = registration_opens_at
    session.registration_closes_at = registration_closes_at
    session.cancellation_deadline = cancellation_deadline
    session.full_clean()
    session.save(
        update_fields=[
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "cancellation_deadline",
        ]
    )
    if capacity is not None:
        _promote_waiting(session=session, now=now)
    return session


def session_no_shows_record(*, session: ClassSession, now: dt.datetime | None = None) -> int:
    """Once a session has ended, each seated person is ``attended`` when the attendance marks
    them present and ``no_show`` otherwise. Attendance may be corrected later, so running it
    again re-derives (and never changes the waiting list or cancellations). Returns how many
    registrations changed."""
    now = now or timezone.now()
    if session.ends_at > now:
        return 0
    present = Attendance.objects.filter(session=session, present=True).values("learner_id")
    seated = SessionRegistration.objects.filter(
        session=session, status__in=SessionRegistration.SEATED
    )
    changed = (
        seated.filter(learner_id__in=present)
        .exclude(status=Status.ATTENDED)
        .update(status=Status.ATTENDED, updated_at=now)
    )
    changed += (
        seated.exclude(learner_id__in=present)
        .exclude(status=Status.NO_SHOW)
        .update(status=Status.NO_SHOW, updated_at=now)
    )
    return changed


NO_SHOW_LOOKBACK = dt.timedelta(days=14)


def no_shows_record_recent(*, now: dt.datetime | None = None) -> int:
    """The beat task's work: sessions that ended in the last two weeks (attendance is often
    typed in a few days late)."""
    now = now or timezone.now()
    sessions = ClassSession.objects.filter(
        capacity__isnull=False, ends_at__lte=now, ends_at__gt=now - NO_SHOW_LOOKBACK
    ).filter(registrations__status__in=SessionRegistration.SEATED)
    return sum(session_no_shows_record(session=session, now=now) for session in sessions.distinct())
