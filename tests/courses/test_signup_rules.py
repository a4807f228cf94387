"""The rules of sign-up: seats and the waiting list, promotion order and its signal, the
registration window and the cancellation deadline, no-shows from attendance, who may sign
whom up, and retried sign-ups."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from courses import registration_selectors as rs
from courses import registration_services as services
from courses.models import Enrolment, SessionRegistration
from courses.services import attendance_mark
from courses.signals import waitlist_seat_given
from tests.accounts.factories import OrganisationFactory, UserFactory, country_staff
from tests.courses import factories
from tests.courses.signup_factories import seminar_world, signup_session, worker
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db
Status = SessionRegistration.Status


@pytest.fixture
def world(home_page):
    return seminar_world(home_page)


def sign_up(session, person, by=None, **kwargs):
    return services.session_registration_create(
        session=session, learner=person, registered_by=by or person, **kwargs
    )


def test_seats_are_given_until_full_then_people_wait_in_order(world):
    session = signup_session(world["cohort"], capacity=2)
    people = [worker(world["organisation"]) for _ in range(4)]
    registrations = [sign_up(session, p) for p in people]
    assert [r.status for r in registrations] == [
        Status.REGISTERED,
        Status.REGISTERED,
        Status.WAITLISTED,
        Status.WAITLISTED,
    ]
    assert [rs.waitlist_rank(r) for r in registrations] == [None, None, 1, 2]


def test_a_freed_seat_goes_to_the_first_person_waiting_who_is_told_after_commit(
    world, django_capture_on_commit_callbacks
):
    session = signup_session(world["cohort"], capacity=1)
    seated, first, second = (worker(world["organisation"]) for _ in range(3))
    seat = sign_up(session, seated)
    sign_up(session, first)
    sign_up(session, second)
    told = []

    def receiver(sender, registration, **kwargs):
        told.append((registration.learner, registration.status))

    waitlist_seat_given.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.session_registration_cancel(registration=seat, cancelled_by=seated)
            assert told == []  # not before the seat is committed
    finally:
        waitlist_seat_given.disconnect(receiver)
    assert told == [(first, Status.REGISTERED)]
    statuses = dict(
        SessionRegistration.objects.filter(session=session).values_list("learner", "status")
    )
    assert statuses == {
        seated.pk: Status.CANCELLED,
        first.pk: Status.REGISTERED,
        second.pk: Status.WAITLISTED,
    }
    second_registration = SessionRegistration.objects.get(session=session, learner=second)
    assert rs.waitlist_rank(second_registration) == 1


def test_leaving_the_waiting_list_gives_no_seat_and_moves_the_others_up(world):
    session = signup_session(world["cohort"], capacity=1)
    people = [worker(world["organisation"]) for _ in range(4)]
    registrations = [sign_up(session, p) for p in people]
    services.session_registration_cancel(registration=registrations[1], cancelled_by=people[1])
    assert (
        SessionRegistration.objects.filter(session=session, status=Status.REGISTERED).count() == 1
    )
    assert [
        rs.waitlist_rank(SessionRegistration.objects.get(pk=r.pk)) for r in registrations[2:]
    ] == [
        1,
        2,
    ]
    # Signing up again after cancelling puts the person at the end of the list.
    again = sign_up(session, people[1])
    assert again.pk == registrations[1].pk
    assert (again.status, rs.waitlist_rank(again)) == (Status.WAITLISTED, 3)


def test_a_retried_sign_up_finds_the_first_and_the_database_refuses_a_second_row(world):
    session = signup_session(world["cohort"], capacity=1)
    person, other = worker(world["organisation"]), worker(world["organisation"])
    first = sign_up(session, person)
    assert sign_up(session, person).pk == first.pk
    waiting = sign_up(session, other)
    assert sign_up(session, other).pk == waiting.pk
    assert SessionRegistration.objects.filter(session=session).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionRegistration.objects.create(
            session=session, learner=person, status=Status.WAITLISTED
        )


def test_fifty_sign_ups_for_five_seats_seat_five_and_queue_the_rest_in_order(world):
    """The rule of the PostgreSQL race test, one at a time (test_signup_concurrency.py)."""
    session = signup_session(world["cohort"], capacity=5)
    people = [worker(world["organisation"]) for _ in range(50)]
    for person in people:
        sign_up(session, person)
    seated = SessionRegistration.objects.filter(session=session, status=Status.REGISTERED)
    assert set(seated.values_list("learner", flat=True)) == {p.pk for p in people[:5]}
    waiting = SessionRegistration.objects.filter(session=session, status=Status.WAITLISTED)
    assert list(waiting.order_by("waitlist_position").values_list("learner", flat=True)) == [
        p.pk for p in people[5:]
    ]


def test_more_seats_go_at_once_to_the_people_waiting(world):
    session = signup_session(world["cohort"], capacity=1)
    people = [worker(world["organisation"]) for _ in range(4)]
    for person in people:
        sign_up(session, person)
    services.session_signup_configure(session=session, capacity=3)
    seated = SessionRegistration.objects.filter(session=session, status=Status.REGISTERED)
    assert set(seated.values_list("learner", flat=True)) == {p.pk for p in people[:3]}
    # Fewer seats take no seat away.
    services.session_signup_configure(session=session, capacity=1)
    assert (
        SessionRegistration.objects.filter(session=session, status=Status.REGISTERED).count() == 3
    )


def test_sign_up_opens_and_closes_with_its_window(world):
    now = timezone.now()
    session = signup_session(
        world["cohort"],
        registration_opens_at=now + dt.timedelta(days=1),
        registration_closes_at=now + dt.timedelta(days=3),
    )
    person = worker(world["organisation"])
    with pytest.raises(services.CourseActionError, match="opens"):
        sign_up(session, person)
    assert sign_up(session, person, now=now + dt.timedelta(days=2)).status == Status.REGISTERED
    late = worker(world["organisation"])
    with pytest.raises(services.CourseActionError, match="closed"):
        sign_up(session, late, now=now + dt.timedelta(days=3, minutes=1))
    assert not SessionRegistration.objects.filter(learner=late).exists()


def test_cancelling_is_refused_after_the_deadline_except_to_the_trainer(world):
    now = timezone.now()
    session = signup_session(world["cohort"], cancellation_deadline=now + dt.timedelta(days=2))
    person = worker(world["organisation"])
    registration = sign_up(session, person)
    after_deadline = now + dt.timedelta(days=3)
    for actor in (person, world["manager"]):
        with pytest.raises(services.CourseActionError, match="passed"):
            services.session_registration_cancel(
                registration=registration, cancelled_by=actor, now=after_deadline
            )
    services.session_registration_cancel(
        registration=registration, cancelled_by=world["trainer"], now=after_deadline
    )
    assert SessionRegistration.objects.get(pk=registration.pk).status == Status.CANCELLED


def test_nobody_cancels_once_the_session_has_started(world):
    session = signup_session(world["cohort"])
    person = worker(world["organisation"])
    registration = sign_up(session, person)
    with pytest.raises(services.CourseActionError, match="started"):
        services.session_registration_cancel(
            registration=registration,
            cancelled_by=world["trainer"],
            now=session.starts_at + dt.timedelta(minutes=1),
        )


def test_no_shows_come_from_the_attendance_once_the_session_has_ended(world):
    session = signup_session(world["cohort"], capacity=3)
    came, stayed_away, waiting = (worker(world["organisation"]) for _ in range(3))
    for person in (came, stayed_away):
        sign_up(session, person)
    services.session_signup_configure(session=session, capacity=2)
    sign_up(session, waiting)
    attendance_mark(session=session, learner=came, present=True, marked_by=world["trainer"])
    assert services.session_no_shows_record(session=session) == 0  # not ended yet
    ended = session.ends_at + dt.timedelta(minutes=1)
    assert services.session_no_shows_record(session=session, now=ended) == 2
    statuses = dict(
        SessionRegistration.objects.filter(session=session).values_list("learner", "status")
    )
    assert statuses == {
        came.pk: Status.ATTENDED,
        stayed_away.pk: Status.NO_SHOW,
        waiting.pk: Status.WAITLISTED,
    }
    assert services.session_no_shows_record(session=session, now=ended) == 0  # a rerun
    # The trainer corrects the attendance a day later: the next run follows it.
    attendance_mark(session=session, learner=stayed_away, present=True, marked_by=world["trainer"])
    assert services.no_shows_record_recent(now=ended + dt.timedelta(days=1)) == 1
    assert rs.session_roster(session=session).no_shows == []


def test_the_beat_task_records_no_shows_of_recently_ended_sessions(world):
    from courses.tasks import session_no_shows_record_task

    session = signup_session(world["cohort"], starts_in=-dt.timedelta(hours=5))
    # Made as if signed up before it started.
    person = worker(world["organisation"])
    Enrolment.objects.create(
        learner=person, course=world["seminar"], cohort=world["cohort"], source="self"
    )
    SessionRegistration.objects.create(session=session, learner=person, status=Status.REGISTERED)
    assert session_no_shows_record_task.delay().get() == 1
    assert SessionRegistration.objects.get(learner=person).status == Status.NO_SHOW


def test_signing_up_puts_the_person_into_the_sessions_cohort(world):
    session = signup_session(world["cohort"])
    person = worker(world["organisation"])
    sign_up(session, person)
    enrolment = Enrolment.objects.get(learner=person)
    assert (enrolment.course_id, enrolment.cohort_id) == (world["seminar"].pk, world["cohort"].pk)


# --- who may sign whom up ---------------------------------------------------------------


def test_a_manager_signs_up_their_own_staff_and_no_one_elses(world):
    session = signup_session(world["cohort"])
    own = worker(world["organisation"])
    assert sign_up(session, own, by=world["manager"]).registered_by == world["manager"]
    other_factory = OrganisationFactory(country=country("vn"))
    stranger = worker(other_factory)
    with pytest.raises(services.RegistrationNotAllowed):
        sign_up(session, stranger, by=world["manager"])
    other_manager = UserFactory(
        roles=["manager"], country=country("vn"), organisation=other_factory
    )
    with pytest.raises(services.RegistrationNotAllowed):
        sign_up(session, own, by=other_manager)


def test_the_trainer_of_the_cohort_and_its_countrys_staff_sign_people_up(world):
    session = signup_session(world["cohort"], capacity=10)
    assert sign_up(session, worker(world["organisation"]), by=world["trainer"]).status == (
        Status.REGISTERED
    )
    assert sign_up(session, worker(world["organisation"]), by=country_staff("vn")).status == (
        Status.REGISTERED
    )


@pytest.mark.parametrize("who", ["other trainer", "other country staff", "a worker"])
def test_others_may_not_sign_people_up(world, who):
    session = signup_session(world["cohort"])
    person = worker(world["organisation"])
    actor = {
        "other trainer": factories.trainer("vn"),
        "other country staff": country_staff("kh"),
        "a worker": worker(world["organisation"]),
    }[who]
    with pytest.raises(services.RegistrationNotAllowed):
        sign_up(session, person, by=actor)
    registration = sign_up(session, person)
    with pytest.raises(services.RegistrationNotAllowed):
        services.session_registration_cancel(registration=registration, cancelled_by=actor)


def test_a_cohort_run_for_one_factory_is_closed_to_other_factories_and_countries(world):
    session = signup_session(world["cohort"])
    with pytest.raises(services.RegistrationNotAllowed):
        sign_up(session, worker(OrganisationFactory(country=country("vn"))))
    with pytest.raises(services.RegistrationNotAllowed):
        sign_up(session, worker(OrganisationFactory(country=country("kh")), code="kh"))
    assert not SessionRegistration.objects.exists()


def test_a_course_without_self_enrolment_takes_sign_ups_from_managers_only(home_page):
    world = seminar_world(home_page, self_enrolment=False)
    session = signup_session(world["cohort"])
    person = worker(world["organisation"])
    with pytest.raises(services.RegistrationNotAllowed):
        sign_up(session, person)
    assert sign_up(session, person, by=world["manager"]).status == Status.REGISTERED


def test_a_learner_of_another_cohort_of_the_course_signs_up_in_their_own(world):
    other_cohort = factories.cohort(
        world["seminar"], trainers=[world["trainer"]], organisation=world["organisation"]
    )
    person = worker(world["organisation"])
    factories.enrol(world["seminar"], [person], cohort=other_cohort)
    with pytest.raises(services.RegistrationNotAllowed):
        sign_up(signup_session(world["cohort"]), person)
    assert sign_up(signup_session(other_cohort), person).status == Status.REGISTERED


def test_a_session_without_seats_takes_no_sign_ups(world):
    session = factories.session(world["cohort"], starts_at=timezone.now() + dt.timedelta(days=1))
    with pytest.raises(services.CourseActionError, match="does not take"):
        sign_up(session, worker(world["organisation"]))


def test_a_learner_enrolled_without_a_cohort_signs_up_and_joins_the_cohort(home_page):
    world = seminar_world(home_page, self_enrolment=False)
    person = worker(world["organisation"])
    factories.enrol(world["seminar"], [person])  # by a trainer, in no cohort
    registration = sign_up(signup_session(world["cohort"]), person)
    assert registration.status == Status.REGISTERED
    enrolment = Enrolment.objects.get(learner=person)
    assert (enrolment.cohort_id, enrolment.source) == (world["cohort"].pk, "trainer")
