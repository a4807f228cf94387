"""The definitions of docs/rooms/reports.md, each on a small example worked out by hand
(issue 16), and the attributes of the time of each event (a profile changed later does
not rewrite last year's report)."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from courses import services as course_services
from courses.models import Enrolment, LessonPage
from lms.reports import selectors
from lms.reports.filters import ReportFilters
from lms.reports.participation import participation_refresh
from lms.reports.test_scores import scores_rebuild
from tests.accounts.factories import OrganisationFactory
from tests.courses import factories as courses
from tests.reports.conftest import person, record_test
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db

NOW = timezone.now()
LAST_MONTH = ReportFilters(since=(NOW - dt.timedelta(days=30)).date(), until=NOW.date())


@pytest.fixture(autouse=True)
def clock():
    """The module's "now", read again for each test: a test run that crosses midnight would
    otherwise record today's events after yesterday's "last month"."""
    global NOW, LAST_MONTH
    NOW = timezone.now()
    LAST_MONTH = ReportFilters(since=(NOW - dt.timedelta(days=30)).date(), until=NOW.date())


@pytest.fixture
def course(home_page):
    return courses.programme(courses.section(home_page), modules=1, lessons=1, checks=0)


def back_date(learner, *, days, completed=False):
    moment = NOW - dt.timedelta(days=days)
    Enrolment.objects.filter(learner=learner).update(
        enrolled_at=moment, **({"completed_at": moment} if completed else {})
    )
    participation_refresh([learner.pk])  # update() sends no signal (decision 0615)


def present(cohort, people, *, days_ago):
    session = courses.session(
        cohort, starts_at=NOW - dt.timedelta(days=days_ago), title=f"Day {days_ago}"
    )
    trainer = cohort.trainers.first()
    for learner in people:
        course_services.attendance_mark(
            session=session, learner=learner, present=True, marked_by=trainer
        )
    return session


def test_participants_in_a_period_include_people_who_attended_a_class_in_it(course):
    """Ana enrolled two years ago and attended a class last week; Binh enrolled last week.
    Both took part last month: 2 participants, 1 enrolment."""
    cohort = courses.cohort(course, trainers=[courses.trainer()])
    ana, binh = person("vn", "worker"), person("vn", "worker")
    courses.enrol(course, [ana, binh], cohort)
    back_date(ana, days=730)
    present(cohort, [ana], days_ago=7)
    totals = selectors.participation_totals(LAST_MONTH)
    assert totals == {"participants": 2, "enrolments": 1, "completions": 0}
    (vn,) = selectors.participation_by(LAST_MONTH, "country")
    assert (vn["value"], vn["participants"]) == ("vn", 2)


def test_knowledge_gain_pairs_the_first_pre_test_with_the_best_post_test(course):
    """Chi: pre 4/10 then a retake 9/10 (the first counts: 40 %), post 8/10 then 6/10
    (the best counts: 80 %, not the last). Dung: a pre-test only. Em: a post-test only.
    Only Chi is paired: pre 40.0, post 80.0, gain 40.0, one learner."""
    chi, dung, em = (person("vn", "worker") for _ in range(3))
    for hours_ago, (learner, phase, raw) in enumerate(
        reversed(
            [
                (chi, "pre", 4),
                (chi, "pre", 9),
                (chi, "post", 8),
                (chi, "post", 6),
                (dung, "pre", 5),
                (em, "post", 10),
            ]
        )
    ):
        statement = record_test(learner, course, phase, raw)
        type(statement).objects.filter(pk=statement.pk).update(
            timestamp=NOW - dt.timedelta(hours=hours_ago)
        )
    scores_rebuild()  # stored records never change; these were back-dated behind its back
    (row,) = selectors.knowledge_gain(ReportFilters())
    assert (row["pre"], row["post"], row["gain"], row["learners"]) == (40.0, 80.0, 40.0, 1)


def test_a_self_reported_test_score_counts_for_nothing(course):
    learner = person("vn", "worker")
    record_test(learner, course, "pre", 5)
    cheat = record_test(learner, course, "post", 10)
    type(cheat).objects.filter(pk=cheat.pk).update(self_reported=True)
    scores_rebuild()  # as above: changed behind the rolled-up scores' back
    assert selectors.knowledge_gain(ReportFilters()) == []


def test_the_cohort_filter_shows_only_its_own_courses_knowledge_gain(home_page):
    """Hoa's cohort takes course A; she also took course B's tests. Filtering by the
    cohort shows course A only."""
    section = courses.section(home_page)
    course_a = courses.programme(section, modules=1, lessons=1, checks=0, title="A")
    course_b = courses.seminar(section, title="B")
    cohort = courses.cohort(course_a, trainers=[courses.trainer()])
    hoa = person("vn", "worker")
    courses.enrol(course_a, [hoa], cohort)
    for course, pre, post in ((course_a, 2, 6), (course_b, 1, 9)):
        record_test(hoa, course, "pre", pre)
        record_test(hoa, course, "post", post)
    assert len(selectors.knowledge_gain(ReportFilters())) == 2
    (row,) = selectors.knowledge_gain(ReportFilters(cohort=cohort))
    assert (row["course_id"], row["pre"], row["post"], row["gain"]) == (course_a.pk, 20, 60, 40)


def test_training_days_follow_the_person_filters(course):
    """One factory: a men's cohort with 2 sessions, a women's cohort with 3. For women,
    3 days were delivered (of 8 allocated: 37.5 %); for everyone, 5 (62.5 %)."""
    factory = OrganisationFactory(country=country("vn"), training_days_allocation=8)
    trainer = courses.trainer()
    men = courses.cohort(course, trainers=[trainer], organisation=factory)
    women = courses.cohort(course, trainers=[trainer], organisation=factory)
    courses.enrol(course, [person("vn", "worker", gender="man")], men)
    courses.enrol(course, [person("vn", "worker", gender="woman")], women)
    for cohort, days in ((men, (1, 2)), (women, (3, 4, 5))):
        for day in days:
            courses.session(cohort, starts_at=NOW - dt.timedelta(days=day), title=f"D{day}")
    rows = {r["name"]: r for r in selectors.training_days(ReportFilters(gender="woman"))}
    assert (rows[factory.name]["delivered"], rows[factory.name]["used_percent"]) == (3, 37.5)
    rows = {r["name"]: r for r in selectors.training_days(ReportFilters())}
    assert (rows[factory.name]["delivered"], rows[factory.name]["used_percent"]) == (5, 62.5)


def test_trained_means_completed_or_attended_not_merely_enrolled(course):
    """Three workers in Cambodia enrolled: one completed, one attended a class, one did
    nothing. Trained: 2 of 3 = 66.7 % (one decimal)."""
    cohort = courses.cohort(course, trainers=[courses.trainer("kh")], code="kh")
    done, came, idle = (person("kh", "worker") for _ in range(3))
    courses.enrol(course, [done, came, idle], cohort)
    Enrolment.objects.filter(learner=done).update(completed_at=NOW)
    participation_refresh([done.pk])
    present(cohort, [came], days_ago=1)
    rows = {(r["country_code"], r["role"]): r for r in selectors.coverage(LAST_MONTH)}
    kh = rows["kh", "worker"]
    assert (kh["people"], kh["trained"], kh["coverage_percent"]) == (3, 2, 66.7)


def test_percentages_keep_one_decimal():
    assert selectors.percent(1, 8) == 12.5
    assert selectors.percent(2, 3) == 66.7
    assert selectors.percent(3, 0) is None


def test_a_profile_change_does_not_rewrite_last_years_report(course):
    """Sokha enrolled, attended and completed in Cambodia last year as a woman worker of
    a Phnom Penh factory; this year she moved to Vietnam, another factory, and is now a
    supervisor. Last year's Cambodian report still counts her, as she was then."""
    phnom_penh = OrganisationFactory(country=country("kh"), name="Phnom Penh Knits")
    sokha = person("kh", "worker", gender="woman", organisation=phnom_penh)
    cohort = courses.cohort(course, trainers=[courses.trainer("kh")], code="kh")
    courses.enrol(course, [sokha], cohort)
    present(cohort, [sokha], days_ago=400)
    lesson = LessonPage.objects.descendant_of(course).get()
    course_services.lesson_complete(learner=sokha, lesson=lesson, form_token=uuid.uuid4())
    assert Enrolment.objects.get(learner=sokha).completion_profile is not None
    back_date(sokha, days=400, completed=True)
    last_year = ReportFilters(
        since=(NOW - dt.timedelta(days=500)).date(),
        until=(NOW - dt.timedelta(days=300)).date(),
    )

    def figures():
        cambodia = ReportFilters(**{**last_year.__dict__, "country": country("kh")})
        return (
            selectors.participation_totals(cambodia),
            selectors.participation_by(last_year, "country"),
            selectors.participation_by(last_year, "role"),
            selectors.participation_by(last_year, "organisation"),
            selectors.participation_by(last_year, "gender"),
            selectors.attendance(last_year),
        )

    before = figures()
    assert before[0] == {"participants": 1, "enrolments": 1, "completions": 1}
    sokha.country = country("vn")
    sokha.organisation = OrganisationFactory(country=country("vn"))
    sokha.gender = "man"
    sokha.save()
    sokha.roles.set(type(sokha.roles.first()).objects.filter(code="supervisor"))
    assert figures() == before
