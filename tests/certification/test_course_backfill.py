"""Course completions the courses room recorded while certification did not hear of them are
backfilled as evidence by ``certification_evaluate`` (once), and certify the candidate."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from certification.models import CourseCompletion, Requirement
from certification.services import course_completions_backfill
from courses import services as course_services
from courses.models import Enrolment
from tests.certification.factories import CandidacyFactory, ProgrammeFactory, requirement, trainer
from tests.courses import factories as course_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(home_page):
    return course_factories.programme(course_factories.section(home_page), modules=1, lessons=1)


@pytest.fixture
def programme(course):
    programme = ProgrammeFactory()
    requirement(programme, Requirement.Kind.COURSE, title="Trainer course", course=course)
    return programme


def completed_quietly(person, course, when):
    """A completion from before the courses → certification receiver existed."""
    enrolment = course_services.enrolment_create(learner=person, course=course)
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=when)


def test_a_completion_certification_missed_is_backfilled_with_its_date(course, programme):
    person = trainer()
    when = timezone.now() - timedelta(days=90)
    completed_quietly(person, course, when)
    candidacy = CandidacyFactory(programme=programme, candidate=person)
    assert not CourseCompletion.objects.exists()

    assert course_completions_backfill(candidacy=candidacy) == 1
    completion = CourseCompletion.objects.get()
    assert (completion.learner, completion.course_id) == (person, course.pk)
    assert completion.completed_at == when
    assert course_completions_backfill(candidacy=candidacy) == 0
    assert CourseCompletion.objects.count() == 1


def test_unfinished_courses_and_other_courses_are_not_backfilled(home_page, course, programme):
    person = trainer()
    course_services.enrolment_create(learner=person, course=course)  # enrolled, not done
    other = course_factories.programme(course_factories.section(home_page), modules=1, lessons=1)
    completed_quietly(person, other, timezone.now())
    candidacy = CandidacyFactory(programme=programme, candidate=person)
    assert course_completions_backfill(candidacy=candidacy) == 0
    assert not CourseCompletion.objects.exists()


def test_the_evaluate_command_backfills_then_certifies(
    course, programme, django_capture_on_commit_callbacks
):
    person = trainer()
    completed_quietly(person, course, timezone.now() - timedelta(days=3))
    candidacy = CandidacyFactory(programme=programme, candidate=person)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("certification_evaluate", stdout=out)
    assert "1 course completion(s) backfilled" in out.getvalue()
    candidacy.refresh_from_db()
    assert candidacy.status == "certified"
    out = StringIO()
    call_command("certification_evaluate", stdout=out)
    assert "0 course completion(s) backfilled" in out.getvalue()
    assert CourseCompletion.objects.count() == 1
