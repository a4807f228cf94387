"""The "My learning" start page (/<lang>/my/): the learner's courses with the next lesson,
their certification, and the navigation links to it and to the certificates."""

import pytest
from django.utils import timezone

from certification.models import Requirement
from courses import services as course_services
from courses.models import Enrolment
from tests.accounts.factories import UserFactory
from tests.certification.factories import CandidacyFactory, ProgrammeFactory, requirement
from tests.courses import factories as course_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def training(home_page):
    return course_factories.section(home_page)


def courses(training, count):
    return [
        course_factories.programme(
            training, modules=1, lessons=2, title=f"Course {n}", slug=f"course-{n}"
        )
        for n in range(count)
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/en/my/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_nav_links_to_my_learning_and_certificates(client):
    client.force_login(UserFactory(roles=["worker"]))
    html = client.get("/en/my/").content.decode()
    assert 'href="/en/my/"' in html
    assert 'href="/en/certificates/"' in html


def test_a_learner_sees_courses_in_progress_done_and_the_next_lesson(client, training):
    person = course_factories.learner()
    going, done = courses(training, 2)
    course_services.enrolment_create(learner=person, course=going)
    finished = course_services.enrolment_create(learner=person, course=done)
    Enrolment.objects.filter(pk=finished.pk).update(completed_at=timezone.now())
    client.force_login(person)
    html = client.get("/en/my/").content.decode()
    assert "Course 0" in html
    assert "Lesson 1.1" in html  # the next lesson of the course in progress
    assert "Course 1" in html
    assert "completed on" in html
    assert "cert-panel" not in html  # no certification: no panel


def test_a_candidate_sees_the_certification_panel(client):
    person = UserFactory(roles=["trainer"])
    programme = ProgrammeFactory(title="Certified Better Work Trainer")
    requirement(programme, Requirement.Kind.CPD_HOURS)
    CandidacyFactory(programme=programme, candidate=person)
    client.force_login(person)
    html = client.get("/en/my/").content.decode()
    assert "cert-panel" in html
    assert "Certified Better Work Trainer" in html
    assert "css/certification.css" in html


# Issue 14: session, the person with their role codes (one query, decision 0031), the
# enrolments with their courses, the courses' structures (two), the statements, the
# attendance, the next classes, the certificates, the candidacies.
DASHBOARD_QUERIES = 10


def test_the_dashboard_stays_within_its_query_budget(
    client, training, django_assert_max_num_queries
):
    person = course_factories.learner()
    client.force_login(person)
    made = courses(training, 20)
    course_services.enrolment_create(learner=person, course=made[0])
    client.get("/en/my/")  # warm what each process keeps (locales, terms)
    # The same budget however many courses: courses.selectors.learning_overview reads all
    # their structures and progress at once (see tests/courses/test_my_learning.py, which
    # also varies the kinds of course and other learners' records); the rest, the
    # certification panel included, is constant.
    counts = []
    for count, added in ((1, []), (20, made[1:])):
        for course in added:
            course_services.enrolment_create(learner=person, course=course)
        # The first request after new enrolments reads the new courses' structures (all
        # at once, into the process's store: within the budget); then none.
        with django_assert_max_num_queries(DASHBOARD_QUERIES):
            assert client.get("/en/my/").status_code == 200
        with django_assert_max_num_queries(DASHBOARD_QUERIES) as captured:
            response = client.get("/en/my/")
        assert response.status_code == 200
        assert response.content.decode().count("learning-card") == count
        counts.append(len(captured))
    assert counts[0] == counts[1]
