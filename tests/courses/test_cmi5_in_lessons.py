"""A lesson embeds a cmi5 course: when the learner's unit meets its moveOn criterion and the
course is satisfied, the lesson counts as completed in the course's progress."""

import pytest

from courses import selectors, services
from courses.models import LessonPage
from tests.courses import factories
from tests.media_library.interactive.cmi5_builder import cmi5_package
from tests.media_library.interactive.test_cmi5 import launch

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("package_storage")]


def test_a_satisfied_cmi5_course_completes_the_lesson(client, small_programme):
    package = cmi5_package()
    lesson = LessonPage.objects.descendant_of(small_programme).order_by("path").first()
    lesson.body = [*factories.lesson_body(checks=0), ("cmi5", {"package": package, "title": ""})]
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    person = factories.learner()
    services.enrolment_create(learner=person, course=small_programme)
    client.force_login(person)
    unit = launch(client, package, lesson).start()
    unit.send(unit.statement("initialized"))
    unit.send(unit.statement("completed", {"completion": True}))
    progress = selectors.progress_for_course(learner=person, course=small_programme)
    assert progress.lessons_done == set()  # moveOn is CompletedAndPassed: not yet
    response = unit.send(unit.statement("passed", {"score": {"scaled": 0.9}}))
    assert response.status_code == 200, response.content
    progress = selectors.progress_for_course(learner=person, course=small_programme)
    assert progress.lessons_done == {lesson.pk}
