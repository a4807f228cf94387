"""The learner's start page (``/<lang>/learn/my/``, also the portal's ``/<lang>/my/``):
every course they take with its progress and the lesson to open next (or the day the next
module opens), read in a fixed number of queries however many courses they take."""

import datetime as dt
import uuid

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from wagtail.models import Locale

from courses import selectors, services
from courses.models import Enrolment, LessonPage
from lms.records.activities import activity_id
from lms.records.models import Statement
from tests.courses import factories

pytestmark = pytest.mark.django_db

MAKERS = [
    lambda parent, n: factories.programme(parent, modules=3, lessons=2, title=f"Programme {n}"),
    lambda parent, n: factories.seminar(parent, title=f"Seminar {n}"),
    lambda parent, n: factories.supervisor_training(parent, title=f"Supervisors {n}"),
    lambda parent, n: factories.workbook(parent, title=f"Workbook {n}"),
    lambda parent, n: factories.induction_kit(parent, title=f"Kit {n}"),
]


def courses_of_every_kind(parent, count):
    return [MAKERS[n % len(MAKERS)](parent, n) for n in range(count)]


def records_of_others(courses, others):
    """``others`` more learners in each course, each having completed every lesson."""
    people = [factories.learner() for _ in range(others)]
    Enrolment.objects.bulk_create(
        Enrolment(learner=p, course=c, source="trainer") for p in people for c in courses
    )
    inside = Q()
    for course in courses:
        inside |= Q(path__startswith=course.path)
    lessons = LessonPage.objects.filter(inside).values_list("pk", flat=True)
    Statement.objects.bulk_create(
        Statement(
            actor=p,
            verb="http://adlnet.gov/expapi/verbs/completed",
            activity=activity_id("lesson", pk),
            activity_kind="lesson",
            timestamp=timezone.now(),
            content_hash=uuid.uuid4().hex,
            data={},
        )
        for p in people
        for pk in lessons
    )


@pytest.mark.parametrize("count", [1, 6])
@pytest.mark.parametrize("others", [0, 25])
@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_start_page_costs_the_same_queries_however_many_courses(
    client, training, count, others, language, django_assert_max_num_queries
):
    courses = courses_of_every_kind(training, count)
    person = factories.learner()
    trainer = factories.trainer()
    for course in courses:
        factories.enrol(course, [person], factories.cohort(course, trainers=[trainer]))
        factories.session(factories.cohort(course, trainers=[trainer]))
        first = LessonPage.objects.descendant_of(course).order_by("path").first()
        if first:
            services.lesson_complete(learner=person, lesson=first, form_token=uuid.uuid4())
    records_of_others(courses, others)
    client.force_login(person)
    client.get(f"/{language}/learn/my/")  # the process keeps the site and the structures
    # Session and person (2), the enrolments, the learner's statements, the cohorts'
    # sessions, attendance and approved work (a course counting them), the next classes:
    # 8 at most. The process's first request after a publication also reads the courses'
    # structures (lessons, modules, workbook steps, practice: 4 more), the site (3) the
    # first time. Before: 9 with one course, 12 with six of every kind.
    with django_assert_max_num_queries(10):
        response = client.get(f"/{language}/learn/my/")
    assert response.status_code == 200
    html = response.content.decode()
    for course in courses:
        assert course.title in html


def test_the_start_page_costs_the_same_queries_with_twice_the_courses(
    client, training, django_assert_max_num_queries
):
    """Issue 14: the same count with five courses (one of every kind) and with ten."""
    person = factories.learner()
    trainer = factories.trainer()
    counts, taken = [], []
    for _size in (5, 10):
        for course in courses_of_every_kind(training, 5):
            taken.append(course)
            factories.enrol(course, [person], factories.cohort(course, trainers=[trainer]))
            factories.session(factories.cohort(course, trainers=[trainer]))
            first = LessonPage.objects.descendant_of(course).order_by("path").first()
            if first:
                services.lesson_complete(learner=person, lesson=first, form_token=uuid.uuid4())
        client.force_login(person)
        client.get("/en/learn/my/")
        with django_assert_max_num_queries(10) as captured:
            html = client.get("/en/learn/my/").content.decode()
        assert all(course.title in html for course in taken)
        counts.append(len(captured))
    assert counts[0] == counts[1]


@pytest.fixture
def vietnamese():
    return Locale.objects.get_or_create(language_code="vi")[0]


def test_the_start_page_shows_progress_next_lesson_and_done_courses(client, training):
    programme, seminar, _supervisors, workbook, _kit = courses_of_every_kind(training, 5)
    done = factories.programme(training, modules=1, lessons=1, title="Finished course")
    person = factories.learner()
    services.enrolment_create(learner=person, course=programme)
    services.enrolment_create(learner=person, course=seminar)
    finished = services.enrolment_create(learner=person, course=done)
    Enrolment.objects.filter(pk=finished.pk).update(completed_at=timezone.now())
    first, second = LessonPage.objects.descendant_of(programme).order_by("path")[:2]
    services.lesson_complete(learner=person, lesson=first, form_token=uuid.uuid4())
    client.force_login(person)
    html = client.get(reverse("courses:my_learning")).content.decode()
    assert f"Continue: {second.title}" in html
    assert "17% done" in html  # 1 of the programme's 6 lessons
    assert "Continue: Seminar lesson 1" in html
    assert "Finished course" in html
    assert "completed on" in html
    assert workbook.title not in html  # not taken


def test_the_start_page_says_when_the_next_module_opens(client, training):
    programme = factories.programme(training, modules=2, lessons=1, title="Monthly programme")
    person = factories.learner()
    cohort = factories.cohort(programme, trainers=[factories.trainer()])
    factories.enrol(programme, [person], cohort)
    first = LessonPage.objects.descendant_of(programme).order_by("path").first()
    services.lesson_complete(learner=person, lesson=first, form_token=uuid.uuid4())
    client.force_login(person)
    html = client.get(reverse("courses:my_learning")).content.decode()
    opens = date_format(selectors.add_months(cohort.start_date, 1), "DATE_FORMAT")
    assert f"The next module opens on {opens}." in html
    assert "Continue:" not in html


def test_the_start_page_shows_courses_and_lessons_in_the_learners_language(
    client, training, vietnamese
):
    programme = factories.programme(training, modules=1, lessons=2, title="Programme")
    translated = programme.copy_for_translation(vietnamese, copy_parents=True)
    translated.title = "Chương trình"
    translated.save_revision().publish()
    for page in programme.get_descendants().order_by("path"):
        copy = page.specific.copy_for_translation(vietnamese)
        copy.title = f"Bài {page.title}"
        copy.save_revision().publish()
    person = factories.learner()
    services.enrolment_create(learner=person, course=programme)
    first = LessonPage.objects.descendant_of(programme).order_by("path").first()
    services.lesson_complete(learner=person, lesson=first, form_token=uuid.uuid4())
    client.force_login(person)
    html = client.get("/vi/learn/my/").content.decode()
    assert "Chương trình" in html
    assert "Bài Lesson 1.2" in html  # progress made in English counts in Vietnamese
    assert "50%" in html


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("courses:my_learning"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_trainer_sees_their_cohorts_link_and_no_one_elses_courses(client, training):
    programme = factories.programme(training, modules=1, lessons=1, title="Someone's course")
    trainer = factories.trainer()
    factories.enrol(
        programme, [factories.learner()], factories.cohort(programme, trainers=[trainer])
    )
    client.force_login(trainer)
    html = client.get(reverse("courses:my_learning")).content.decode()
    assert reverse("courses:cohort_list") in html
    assert "Someone's course" not in html
    assert "You are not taking a course at the moment." in html


def test_the_overview_reads_a_course_started_long_ago_as_open(training):
    programme = factories.programme(training, modules=2, lessons=1)
    person = factories.learner()
    enrolment = services.enrolment_create(learner=person, course=programme)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        enrolled_at=timezone.now() - dt.timedelta(days=70)
    )
    first, last = LessonPage.objects.descendant_of(programme).order_by("path")[:2]
    services.lesson_complete(learner=person, lesson=first, form_token=uuid.uuid4())
    (row,) = selectors.learning_overview(learner=person, locale=programme.locale)
    assert row.next_lesson.pk == last.pk
    assert row.opens_on is None
