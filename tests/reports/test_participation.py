"""Each learner's enrolments and presences rolled up as they are written
(``lms.reports.participation``, decision 0615): participation (the participants' total and
the four breakdowns) read from the rolled-up rows, and for learners whose events straddle
both bounds of a period from their events, is the direct definition's (every enrolment and
presence, ``direct=True``) on random data under every filter, after edits made after the
fact too (a presence deleted or corrected, an enrolment back-dated or deleted, a session
moved, a cohort given another course or deleted, a person's attributes changed, a consent
withdrawn); the rows kept write by write are those a rebuild computes."""

import datetime as dt
import random
import uuid
from collections import Counter
from dataclasses import replace

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.datasets.reports import report_data_build
from courses import services as course_services
from courses.models import Attendance, ClassSession, Cohort, Enrolment, LessonPage
from lms.accounts.models import User
from lms.accounts.services import consent_withdraw
from lms.records.models import Statement
from lms.reports.filters import ReportFilters
from lms.reports.models import LearnerParticipation
from lms.reports.participation import _conditions, participation_rebuild, participation_refresh
from lms.reports.selectors import (
    knowledge_gain_per_question,
    participation_by_dimensions,
    participation_totals,
)
from tests.courses import factories as courses
from tests.reports.conftest import record_test
from tests.reports.test_training_prepared import CODES, random_training, views_across_periods
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db

DIMENSIONS = ["country", "gender", "role", "migrant_status", "organisation"]


def kept_rows() -> Counter:
    return Counter(
        LearnerParticipation.objects.values_list(
            "learner_id", "profile_id", "course_id", "cohort_id", "first_at", "last_at"
        )
    )


def assert_kept_as_rebuilt():
    kept = kept_rows()
    participation_rebuild()
    assert kept_rows() == kept


def figures(filters, *, direct):
    return (
        participation_totals(filters, direct=direct),
        participation_by_dimensions(filters, DIMENSIONS, direct=direct),
    )


def views_for(rng, course, cohort, organisations):
    return views_across_periods(rng, course, cohort, organisations, days=95, rounds=2)


def assert_figures_are_the_direct_ones(views) -> int:
    """Every view's figures, read through the rows, are the direct ones; returns how many
    rows straddled a period (read from their events)."""
    straddling = 0
    for filters in views:
        assert figures(filters, direct=False) == figures(filters, direct=True), filters
        _inside, unsure = _conditions(filters)
        if unsure is not None:
            straddling += LearnerParticipation.objects.filter(unsure).count()
    return straddling


def scatter(rng, now):
    """Edits after the fact through the models (their signals keep the rows): enrolments
    back-dated and completed on random days, some presences deleted, some corrected to
    absent, a session moved."""
    for enrolment in Enrolment.objects.order_by("pk"):
        if rng.random() < 0.5:
            enrolment.enrolled_at = now - dt.timedelta(days=rng.randint(0, 90), hours=1)
            if rng.random() < 0.5:
                enrolment.completed_at = now - dt.timedelta(days=rng.randint(0, 90))
            enrolment.save()
    for attendance in Attendance.objects.order_by("pk"):
        draw = rng.random()
        if draw < 0.1:
            attendance.delete()
        elif draw < 0.2:
            attendance.present = not attendance.present
            attendance.save()
    session = ClassSession.objects.order_by("pk").first()
    session.starts_at = now - dt.timedelta(days=rng.randint(50, 90))
    session.save()


@pytest.mark.parametrize("seed", [1, 8, 31, 2026])
def test_the_rolled_up_participation_is_the_direct_one_on_random_data(seed, home_page):
    rng = random.Random(seed)
    course, cohort, organisations = random_training(rng, home_page)
    now = timezone.now()
    scatter(rng, now)
    views = views_for(rng, course, cohort, organisations)
    straddling = assert_figures_are_the_direct_ones(views)
    assert straddling, "no row straddled a period: the events' path went untested"
    assert any(figures(filters, direct=False)[0]["participants"] for filters in views)
    assert_kept_as_rebuilt()


def test_edits_after_the_fact_keep_the_figures_direct(home_page):
    rng = random.Random(44)
    course, cohort, organisations = random_training(rng, home_page)
    views = views_for(rng, course, cohort, organisations)
    now = timezone.now()

    # A presence deleted, then one corrected to absent.
    Attendance.objects.filter(present=True).order_by("pk").first().delete()
    marked = Attendance.objects.filter(present=True).order_by("-pk").first()
    marked.present = False
    marked.save()
    assert_kept_as_rebuilt()
    assert_figures_are_the_direct_ones(views)

    # A back-dated enrolment, made with a cohort whose sessions were long ago.
    old_session = courses.session(cohort, starts_at=now - dt.timedelta(days=80), title="Old")
    learner = courses.learner(rng.choice(CODES))
    enrolment = course_services.enrolment_create(
        learner=learner, course=course, cohort=cohort, source="trainer"
    )
    enrolment.enrolled_at = now - dt.timedelta(days=85)
    enrolment.save()
    course_services.attendance_mark(
        session=old_session, learner=learner, present=True, marked_by=cohort.trainers.first()
    )
    assert_kept_as_rebuilt()
    assert_figures_are_the_direct_ones(views)

    # A session moved into another period; a cohort given another course.
    old_session.starts_at = now - dt.timedelta(days=3)
    old_session.save()
    other_cohort = Cohort.objects.exclude(course=course).order_by("pk").first()
    other_cohort.course = course
    other_cohort.save()
    assert_kept_as_rebuilt()
    assert_figures_are_the_direct_ones(views)

    # People's attributes changed: events with a snapshot keep it, events without one (the
    # bench's generated learners) follow the person.
    for person in {a.learner for a in Attendance.objects.filter(learner_profile__isnull=True)}:
        person.country = country(rng.choice(CODES))
        person.gender = rng.choice(["woman", "man"])
        person.save()
    assert_kept_as_rebuilt()
    assert_figures_are_the_direct_ones(views)

    # A completion recorded by the courses' services (an update(), no signal).
    learner = courses.learner(rng.choice(CODES))
    courses.enrol(course, [learner])
    Enrolment.objects.filter(learner=learner).update(enrolled_at=now - dt.timedelta(days=70))
    participation_refresh([learner.pk])
    for lesson in LessonPage.objects.descendant_of(course):
        course_services.lesson_complete(learner=learner, lesson=lesson, form_token=uuid.uuid4())
    assert Enrolment.objects.get(learner=learner).completed_at is not None
    assert_kept_as_rebuilt()
    assert_figures_are_the_direct_ones(views)

    # An enrolment deleted; a cohort deleted (its sessions' presences go, its enrolments
    # stay without a cohort).
    Enrolment.objects.order_by("pk").first().delete()
    doomed = Cohort.objects.exclude(pk=cohort.pk).order_by("-pk").first()
    doomed.delete()
    assert_kept_as_rebuilt()
    assert_figures_are_the_direct_ones(views)


def test_a_withdrawn_consent_moves_the_rows_with_the_events(home_page):
    learner = courses.learner("vn")
    learner.gender = "woman"
    learner.save()
    course = courses.programme(courses.section(home_page), modules=1, lessons=1, checks=0)
    cohort = courses.cohort(course, trainers=[courses.trainer("vn")], code="vn")
    session = courses.session(cohort)
    courses.enrol(course, [learner], cohort)
    course_services.attendance_mark(
        session=session, learner=learner, present=True, marked_by=cohort.trainers.first()
    )
    by_gender = lambda: participation_by_dimensions(ReportFilters(), ["gender"])  # noqa: E731
    assert [r["value"] for r in by_gender()["gender"]] == ["woman"]
    consent_withdraw(user=learner, field="gender")
    assert by_gender() == participation_by_dimensions(ReportFilters(), ["gender"], direct=True)
    assert "woman" not in [r["value"] for r in by_gender()["gender"]]
    assert set(LearnerParticipation.objects.values_list("profile_id", flat=True)) == set(
        Enrolment.objects.values_list("learner_profile_id", flat=True)
    )


def test_the_rebuild_command_computes_every_row(home_page, capsys):
    random_training(random.Random(3), home_page)
    kept = kept_rows()
    LearnerParticipation.objects.all().delete()
    call_command("reports_participation_rebuild")
    assert kept_rows() == kept
    assert f"{sum(kept.values())} rows" in capsys.readouterr().out


@pytest.mark.parametrize("straddles", [False, True])
def test_reading_costs_the_same_queries_whatever_the_rows(home_page, straddles):
    today = timezone.localdate()
    filters = ReportFilters(
        since=today - dt.timedelta(days=30) if straddles else None,
        until=today - dt.timedelta(days=2) if straddles else None,
    )
    course, _cohort, _organisations = random_training(random.Random(9), home_page)
    counts = []
    for learners in (70, 140):
        report_data_build(course=course, learners=learners)
        with CaptureQueriesContext(connection) as queries:
            participation_totals(filters)
            participation_by_dimensions(filters, DIMENSIONS)
        counts.append(len(queries))
    # participants, enrolments, completions; the breakdowns; completions per dimension
    assert counts[0] == counts[1] == 3 + 1 + len(DIMENSIONS)


@pytest.mark.parametrize("seed", [4, 17])
def test_the_per_question_table_is_the_direct_one_on_random_data(seed, home_page):
    """Each learner's latest test of each phase picked in the database, only its answers
    read: the shares of right answers of every test read in Python, under every filter."""
    rng = random.Random(seed)
    course, cohort, organisations = random_training(rng, home_page)
    course.test_questions = [
        ("question", courses.question(f"Question {n}?")) for n in range(rng.randint(2, 4))
    ]
    course.save()
    ids = [block.id for block in course.test_questions]
    now = timezone.now()
    learners = list(Enrolment.objects.filter(course=course).values_list("learner", flat=True))
    for learner in User.objects.filter(pk__in=learners):
        for _take in range(rng.randint(0, 4)):
            phase = rng.choice(["pre", "post"])
            answers = {pk: rng.random() < 0.6 for pk in ids if rng.random() < 0.8}
            statement = record_test(learner, course, phase, rng.randint(0, 10), answers=answers)
            # Records are append-only: spread over 60 days by a queryset update (the rolled-up
            # test scores, not read here, are left as they were).
            Statement.objects.filter(pk=statement.pk).update(
                timestamp=now - dt.timedelta(days=rng.randint(0, 60), minutes=_take)
            )
    views = [
        replace(filters, course=course) for filters in views_for(rng, course, cohort, organisations)
    ]
    assert any(knowledge_gain_per_question(filters)[0]["pre_answers"] for filters in views)
    for filters in views:
        assert knowledge_gain_per_question(filters) == knowledge_gain_per_question(
            filters, direct=True
        ), filters
