"""Fifty people taking the last five seats at once never overbook, and one person's sign-up
sent many times at once makes one registration. Row locks only mean something on PostgreSQL:
run with DATABASE_URL=postgres://... (CI's PostgreSQL pass); skipped on SQLite, where
test_signup_rules.py checks the same rule one sign-up at a time."""

import pytest
from django.db import connection

from courses import registration_services as services
from courses.models import SessionRegistration
from tests.concurrency import run_at_once
from tests.courses.signup_factories import seminar_world, signup_session, worker

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]
Status = SessionRegistration.Status


def _in_threads(work, items):
    _results, errors = run_at_once(work, items)
    assert errors == []


@pytest.fixture
def world():
    from lms.portal.models import HomePage

    return seminar_world(HomePage.objects.get(locale__language_code="en"))


def test_fifty_people_at_once_for_the_last_five_seats_never_overbook(world):
    session = signup_session(world["cohort"], capacity=8)
    early = [worker(world["organisation"]) for _ in range(3)]
    for person in early:
        services.session_registration_create(session=session, learner=person, registered_by=person)
    crowd = [worker(world["organisation"]) for _ in range(50)]
    _in_threads(
        lambda person: services.session_registration_create(
            session=session, learner=person, registered_by=person
        ),
        crowd,
    )
    registrations = SessionRegistration.objects.filter(session=session)
    assert registrations.filter(status=Status.REGISTERED).count() == 8
    waiting = registrations.filter(status=Status.WAITLISTED)
    assert waiting.count() == 45
    positions = sorted(waiting.values_list("waitlist_position", flat=True))
    assert positions == list(range(1, 46))


def test_one_sign_up_sent_ten_times_at_once_makes_one_registration(world):
    session = signup_session(world["cohort"], capacity=2)
    person = worker(world["organisation"])
    _in_threads(
        lambda _: services.session_registration_create(
            session=session, learner=person, registered_by=person
        ),
        range(10),
    )
    assert SessionRegistration.objects.filter(session=session).count() == 1
    assert SessionRegistration.objects.get(session=session).status == Status.REGISTERED


def test_cancellations_at_once_promote_each_waiting_person_once(world):
    session = signup_session(world["cohort"], capacity=5)
    people = [worker(world["organisation"]) for _ in range(10)]
    registrations = [
        services.session_registration_create(session=session, learner=p, registered_by=p)
        for p in people
    ]
    _in_threads(
        lambda registration: services.session_registration_cancel(
            registration=registration, cancelled_by=registration.learner
        ),
        registrations[:5],
    )
    seated = SessionRegistration.objects.filter(session=session, status=Status.REGISTERED)
    assert set(seated.values_list("learner", flat=True)) == {p.pk for p in people[5:]}


def test_the_bench_sign_up_burst_reports_no_overbooking():
    from bench.scenarios import signup

    signup.prepare()
    figures = signup.sign_up_burst()
    assert (figures["seated"], figures["waitlisted"], figures["overbooked"]) == (5, 45, False)
    assert not SessionRegistration.objects.filter(session__title="Bench burst session").exists()
