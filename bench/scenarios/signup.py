"""Benchmarks of sign-up (issue 22): the sign-up burst (50 people at once for the last 5
seats of a seminar session; the figures say how long it took and that no one was
overbooked), and a worker's sessions page and calendar with a dozen sessions."""

import datetime as dt
import statistics
import threading
import time

from bench.harness import PASSWORD, HttpScenario, TaskScenario

SECTION_SLUG = "bench-training"
SEMINAR_SLUG = "bench-signup-seminar"
ORGANISATION = "Bench sign-up factory"
CROWD = 50
SEATS = 5
SESSIONS = 12
LEARNER = "bench.signup.worker"


def _seminar():
    from courses.models import SeminarPage

    return SeminarPage.objects.filter(slug=SEMINAR_SLUG, locale__language_code="en").first()


def prepare() -> None:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from courses import registration_services, services
    from courses.models import Cohort, SeminarPage
    from lms.accounts.models import Organisation, Role, User
    from lms.portal.models import HomePage, SectionPage
    from lms.taxonomy.models import Country

    home = HomePage.objects.get(locale__language_code="en")
    section = SectionPage.objects.child_of(home).filter(slug=SECTION_SLUG).first()
    if section is None:
        section = SectionPage(title="Bench training", slug=SECTION_SLUG)
        home.add_child(instance=section)
    seminar = _seminar()
    if seminar is None:
        seminar = SeminarPage(title="Bench fire-safety seminar", slug=SEMINAR_SLUG)
        section.add_child(instance=seminar)
    country = Country.objects.canonical().get(code="vn")
    organisation, _ = Organisation.objects.get_or_create(name=ORGANISATION, country=country)
    worker_role = Role.objects.get(code="worker")
    password = make_password(PASSWORD)
    existing = set(
        User.objects.filter(username__startswith="bench.signup.").values_list("username", flat=True)
    )
    names = [LEARNER] + [f"bench.signup.{n}" for n in range(CROWD)]
    User.objects.bulk_create(
        [
            User(
                username=name,
                password=password,
                country=country,
                organisation=organisation,
                display_name=name,
            )
            for name in names
            if name not in existing
        ]
    )
    for user in User.objects.filter(username__in=names).exclude(roles=worker_role):
        user.roles.add(worker_role)
    cohort = Cohort.objects.filter(course=seminar, name="Bench sign-up cohort").first()
    if cohort is None:
        cohort = services.cohort_create(
            name="Bench sign-up cohort",
            course=seminar,
            country=country,
            organisation=organisation,
            language="en",
            start_date=timezone.localdate(),
            trainers=[],
        )
    learner = User.objects.get(username=LEARNER)
    now = timezone.now()
    for n in range(SESSIONS - cohort.sessions.filter(starts_at__gt=now).count()):
        starts = now + dt.timedelta(days=30 + n)
        session = services.class_session_create(
            cohort=cohort,
            title=f"Bench seminar day {n + 1}",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=3),
            venue="Training room",
        )
        registration_services.session_signup_configure(session=session, capacity=20)
        registration_services.session_registration_create(
            session=session, learner=learner, registered_by=learner
        )


def scenarios() -> list[HttpScenario]:
    return [
        HttpScenario(
            "signup: a worker's open sessions (12)",
            "/en/learn/sessions/",
            login=LEARNER,
            measure_weight=True,
        ),
        HttpScenario("signup: a worker's calendar page", "/en/learn/calendar/", login=LEARNER),
    ]


def sign_up_burst() -> dict:
    """Fifty people press "Sign up" at the same moment for the last five seats."""
    from django.db import connections
    from django.utils import timezone

    from courses import registration_services, services
    from courses.models import Cohort, SessionRegistration
    from lms.accounts.models import User

    cohort = Cohort.objects.get(course=_seminar(), name="Bench sign-up cohort")
    starts = timezone.now() + dt.timedelta(days=10)
    session = services.class_session_create(
        cohort=cohort,
        title="Bench burst session",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
    )
    registration_services.session_signup_configure(session=session, capacity=SEATS)
    crowd = list(
        User.objects.filter(username__startswith="bench.signup.").exclude(username=LEARNER)
    )
    crowd = crowd[:CROWD]
    barrier = threading.Barrier(len(crowd))
    times_ms, errors = [], []

    def one(person):
        try:
            barrier.wait()
            started = time.perf_counter()
            registration_services.session_registration_create(
                session=session, learner=person, registered_by=person
            )
            times_ms.append((time.perf_counter() - started) * 1000)
        except Exception as error:
            errors.append(repr(error))
        finally:
            connections.close_all()

    started = time.perf_counter()
    threads = [threading.Thread(target=one, args=(person,)) for person in crowd]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall_s = time.perf_counter() - started
    registrations = SessionRegistration.objects.filter(session=session)
    seated = registrations.filter(status__in=SessionRegistration.SEATED).count()
    waiting = registrations.filter(status=SessionRegistration.Status.WAITLISTED).count()
    session.delete()  # leave the bench database as it was
    if errors or seated > SEATS or seated + waiting != len(crowd):
        raise RuntimeError(f"burst: {seated} seated, {waiting} waiting, errors {errors[:3]}")
    times_ms.sort()
    return {
        "people": len(crowd),
        "seats": SEATS,
        "seated": seated,
        "waitlisted": waiting,
        "overbooked": seated > SEATS,
        "burst_s": round(wall_s, 3),
        "sign_up_ms_median": round(statistics.median(times_ms), 1),
        "sign_up_ms_max": round(times_ms[-1], 1),
    }


def tasks() -> list[TaskScenario]:
    return [
        TaskScenario(
            f"signup: sign-up burst of {CROWD} people at once for the last {SEATS} seats",
            sign_up_burst,
            units=CROWD,
        )
    ]
