"""The training dashboard and its exports read tables prepared ahead
(lms/reports/training_prepared.py, decision 0605): on random data, every figure they serve is
the one the direct computation of today's definitions gives (``indicator_tables``, kept as
the reference), for every filter; a snapshot is served while younger than the refresh
interval, and after it the page and the exports show the data as it is."""

import datetime as dt
import hashlib
import random
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.datasets.reports import report_data_build
from courses import services as course_services
from courses.models import Enrolment
from lms.records import verbs
from lms.records.models import Statement
from lms.reports import tasks, training_prepared
from lms.reports.filters import ReportFilters
from lms.reports.participation import participation_refresh
from lms.reports.selectors import indicator_tables
from lms.reports.training_prepared import prepared_indicator_tables
from tests.accounts.factories import OrganisationFactory, global_admin
from tests.courses import factories as courses
from tests.reports.conftest import person
from tests.reports.test_dashboard import sign_in
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db

CODES = ["vn", "jo", "bd"]
ROLES = ["worker", "worker", "worker", "supervisor", "manager"]
GENDERS = ["woman", "man", "undisclosed", ""]
MIGRANT = ["local", "migrant", ""]


def figures(tables):
    return [(table.key, table.title, table.rows) for table in tables]


def server_scored_test(learner, course, phase, raw, *, timestamp, self_reported):
    activity = f"urn:betterwork:test:{course.pk}.{phase}"
    Statement.objects.create(
        id=uuid.uuid4(),
        actor=learner,
        verb=verbs.COMPLETED,
        activity=activity,
        activity_kind="test",
        score_raw=raw,
        score_max=10,
        self_reported=self_reported,
        timestamp=timestamp,
        content_hash=hashlib.sha256(str(uuid.uuid4()).encode()).hexdigest(),
        data={"verb": {"id": verbs.COMPLETED}, "object": {"id": activity}},
    )


def random_training(rng: random.Random, home_page):
    """People of random countries, roles, genders and organisations, enrolled through the
    services (so with the snapshots of the time) in two courses and their cohorts, some
    completed, presences and absences at random sessions, pre and post tests with random
    scores (some self-reported, which never count), and some people who moved country
    after enrolling; plus the bench's generated learners at a small random size."""
    section = courses.section(home_page)
    course_a = courses.programme(section, modules=1, lessons=1, checks=0)
    course_b = courses.programme(section, modules=1, lessons=1, checks=0, title="Second course")
    trainer = courses.trainer("vn")
    organisations = {code: OrganisationFactory(country=country(code)) for code in CODES}
    now = timezone.now()
    cohorts = []
    for course in (course_a, course_b):
        for code in rng.sample(CODES, 2):
            cohort = courses.cohort(
                course, trainers=[trainer], code=code, organisation=organisations[code]
            )
            sessions = [
                courses.session(
                    cohort, starts_at=now - dt.timedelta(days=rng.randint(0, 40)), title=f"S{n}"
                )
                for n in range(rng.randint(1, 3))
            ]
            cohorts.append((course, cohort, sessions))
    people = []
    for _n in range(rng.randint(25, 40)):
        code = rng.choice(CODES)
        learner = person(
            code,
            rng.choice(ROLES),
            gender=rng.choice(GENDERS),
            migrant_status=rng.choice(MIGRANT),
            organisation=organisations[code] if rng.random() < 0.7 else None,
        )
        people.append(learner)
        for course, cohort, sessions in rng.sample(cohorts, rng.randint(0, 2)):
            if Enrolment.objects.filter(learner=learner, course=course).exists():
                continue
            courses.enrol(course, [learner], cohort if rng.random() < 0.8 else None)
            enrolment = Enrolment.objects.get(learner=learner, course=course)
            if rng.random() < 0.5:
                Enrolment.objects.filter(pk=enrolment.pk).update(
                    completed_at=now - dt.timedelta(days=rng.randint(0, 60))
                )
                participation_refresh([learner.pk])  # update() sends no signal
            if enrolment.cohort_id:
                for session in sessions:
                    if rng.random() < 0.6:
                        course_services.attendance_mark(
                            session=session,
                            learner=learner,
                            present=rng.random() < 0.8,
                            marked_by=trainer,
                        )
            for phase in ("pre", "post"):
                for _take in range(rng.randint(0, 2)):
                    server_scored_test(
                        learner,
                        course,
                        phase,
                        rng.randint(0, 10),
                        timestamp=now - dt.timedelta(days=rng.randint(0, 60)),
                        self_reported=rng.random() < 0.1,
                    )
    for learner in rng.sample(people, len(people) // 5):  # moved after the events
        learner.country = country(rng.choice(CODES))
        learner.save(update_fields=["country"])
    report_data_build(
        course=course_a,
        learners=rng.randint(20, 60),
        statements_per_learner=rng.randint(1, 3),
        attending_every=rng.randint(1, 4),
    )
    return course_a, cohorts[0][1], organisations


def filter_sets(rng, course, cohort, organisations):
    today = timezone.localdate()
    return [
        ReportFilters(),
        ReportFilters(country=country(rng.choice(CODES))),
        ReportFilters(gender=rng.choice(GENDERS[:3])),
        ReportFilters(role=rng.choice(["worker", "supervisor", "manager"])),
        ReportFilters(migrant_status=rng.choice(MIGRANT[:2])),
        ReportFilters(organisation=rng.choice(list(organisations.values()))),
        ReportFilters(course=course),
        ReportFilters(cohort=cohort),
        ReportFilters(
            since=today - dt.timedelta(days=rng.randint(10, 40)),
            until=today - dt.timedelta(days=rng.randint(0, 9)),
        ),
    ]


def views_across_periods(rng, course, cohort, organisations, *, days, rounds=1):
    """The filter sets, then five views (everyone, a country, the course, the cohort, a
    gender and role) over periods whose bounds fall among the last ``days`` days (one period
    bounded on both sides, one on each side alone), ``rounds`` times: some learners then
    have events on both sides of a bound."""
    today = timezone.localdate()

    def day():
        return today - dt.timedelta(days=rng.randint(0, days))

    views = filter_sets(rng, course, cohort, organisations)
    for _round in range(rounds):
        since, until = sorted([day(), day()])
        for period in ({"since": since, "until": until}, {"since": day()}, {"until": day()}):
            views += [
                ReportFilters(**period),
                ReportFilters(country=country(rng.choice(CODES)), **period),
                ReportFilters(course=course, **period),
                ReportFilters(cohort=cohort, **period),
                ReportFilters(gender=rng.choice(["woman", "man"]), role="worker", **period),
            ]
    return views


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_prepared_figure_is_the_direct_computation_on_random_data(seed, home_page):
    rng = random.Random(seed)
    course, cohort, organisations = random_training(rng, home_page)
    views = filter_sets(rng, course, cohort, organisations)
    for filters in views:
        prepared_indicator_tables(filters)  # opened once: remembered for the worker
    assert training_prepared.recent_views_prepare() == 0  # all fresh

    # A worker refreshes every view once the interval has passed, from the data as it is.
    extra = courses.learner(rng.choice(CODES))
    courses.enrol(course, [extra], cohort)
    Enrolment.objects.filter(learner=extra).update(completed_at=timezone.now())
    participation_refresh([extra.pk])
    _age_every_snapshot(views, by=dt.timedelta(hours=2))
    assert tasks.training_views_prepare() == len(views)
    for filters in views:
        prepared = prepared_indicator_tables(filters)
        assert figures(prepared.tables) == figures(indicator_tables(filters)), filters


def _age_every_snapshot(views, *, by):
    from django.core.cache import cache
    from django.utils import translation

    for filters in views:
        key = training_prepared._tables_key(
            translation.get_language(), training_prepared.filters_spec(filters)
        )
        kept = cache.get(key)
        kept.computed_at -= by
        cache.set(key, kept)


def test_a_snapshot_is_served_until_the_refresh_interval_then_recomputed(home_page, settings):
    rng = random.Random(7)
    course, cohort, _organisations = random_training(rng, home_page)
    filters = ReportFilters()
    first = prepared_indicator_tables(filters)
    courses.enrol(course, [courses.learner("vn")], cohort)

    with CaptureQueriesContext(connection) as queries:
        again = prepared_indicator_tables(filters)
    assert len(queries) == 0
    assert figures(again.tables) == figures(first.tables)
    assert figures(again.tables) != figures(indicator_tables(filters))  # the new enrolment

    _age_every_snapshot([filters], by=dt.timedelta(seconds=settings.REPORTS_TABLES_REFRESH_SECONDS))
    later = prepared_indicator_tables(filters)  # no worker here: computed in the request
    assert later.computed_at > first.computed_at
    assert figures(later.tables) == figures(indicator_tables(filters))


def test_with_a_worker_a_stale_snapshot_is_served_and_its_refresh_scheduled(
    home_page, settings, monkeypatch
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    scheduled = []
    monkeypatch.setattr(tasks.training_view_prepare, "delay", lambda *args: scheduled.append(args))
    rng = random.Random(8)
    random_training(rng, home_page)
    filters = ReportFilters(country=country("vn"))
    first = prepared_indicator_tables(filters)
    _age_every_snapshot([filters], by=dt.timedelta(minutes=10))

    stale = prepared_indicator_tables(filters)
    prepared_indicator_tables(filters)  # a second reader does not schedule it again
    assert stale.computed_at == first.computed_at - dt.timedelta(minutes=10)
    assert len(scheduled) == 1
    tasks.training_view_prepare(*scheduled[0])
    assert prepared_indicator_tables(filters).computed_at > first.computed_at

    # Past the limit the reader no longer gets it, worker or not.
    _age_every_snapshot([filters], by=dt.timedelta(hours=2))
    assert prepared_indicator_tables(filters).age < dt.timedelta(minutes=1)


def test_the_page_says_how_fresh_its_figures_are(client, home_page, totp_for):
    rng = random.Random(9)
    random_training(rng, home_page)
    sign_in(client, global_admin(), totp_for)
    first = client.get(reverse("reports_dashboard")).content.decode()
    assert "Figures as of" in first
    assert "computed again every 5 minutes" in first


def test_an_export_uses_the_fresh_snapshot_and_reads_the_records_now(home_page, settings, tmp_path):
    from lms.reports.models import ReportExport

    settings.MEDIA_ROOT = tmp_path
    rng = random.Random(10)
    random_training(rng, home_page)
    admin = global_admin()
    prepared_indicator_tables(ReportFilters())
    export = ReportExport.objects.create(requested_by=admin, format="csv")
    with CaptureQueriesContext(connection) as queries:
        assert tasks.export_build(export.pk) == ReportExport.Status.READY
    # The claim, the export and its requester, the records, the save: no indicator query.
    assert len(queries) <= 8
    export.refresh_from_db()
    assert export.rows == Enrolment.objects.count() + sum(
        len(table.rows) + 1 for table in indicator_tables(ReportFilters())
    )


def test_the_anonymised_records_are_those_of_the_direct_reading(home_page):
    """The export's records (days cut in the database, one key for every pseudonym) against
    the first way of writing them: each stored moment's ``.date()``, a fresh HMAC a row."""
    import hmac

    from django.conf import settings

    from lms.reports.exports import anonymised_records
    from lms.reports.selectors import _period_enrolments

    random_training(random.Random(11), home_page)
    today = timezone.localdate()
    for filters in (ReportFilters(), ReportFilters(since=today - dt.timedelta(days=20))):
        reference = [
            [
                hmac.new(
                    settings.SECRET_KEY.encode(), f"learner:{row[0]}".encode(), hashlib.sha256
                ).hexdigest()[:12],
                row[1] or "",
                row[2] or "",
                row[3],
                row[4],
                row[5],
                row[6] or "",
                row[7].date().isoformat(),
                row[8].date().isoformat() if row[8] else "",
            ]
            for row in _period_enrolments(filters)
            .order_by("pk")
            .values_list(
                "learner_id",
                "learner__country__code",
                "learner__sector__code",
                "learner__gender",
                "learner__migrant_status",
                "course_id",
                "cohort_id",
                "enrolled_at",
                "completed_at",
            )
        ]
        assert reference
        assert list(anonymised_records(filters)) == reference
