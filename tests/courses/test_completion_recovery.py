"""A completion cannot be lost to a crash (issue 16): the statements and the completion they
bring are stored in one transaction, so a process killed half-way through evaluating the
course stores nothing, and the client's retry stores the statements and completes."""

import pytest

from courses import selectors
from courses.models import Enrolment, LessonPage
from lms.records.activities import activity_id
from lms.records.models import Statement
from lms.records.services import statements_record
from tests.courses import factories

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """What a killed worker looks like from inside: not an Exception, nothing catches it."""


def test_a_completion_killed_mid_evaluation_is_found_after_the_retry(training, monkeypatch):
    course = factories.programme(training, modules=1, lessons=1, checks=0)
    person = factories.learner()
    factories.enrolled_long_ago(course, person)
    lesson = LessonPage.objects.descendant_of(course).get()
    statement = factories.statement(activity_id("lesson", lesson.pk))

    real_progress = selectors.progress_for_course
    evaluated = []

    def dies_half_way(**kwargs):
        evaluated.append(real_progress(**kwargs))  # the progress was read ...
        raise Killed  # ... and the process died before the completion was written

    monkeypatch.setattr(selectors, "progress_for_course", dies_half_way)
    with pytest.raises(Killed):
        statements_record(actor=person, statements=statement)
    assert evaluated  # it died where it matters: the rule was met
    assert evaluated[0].rule_met(course)
    assert not Statement.objects.exists()
    assert Enrolment.objects.get(learner=person).completed_at is None

    monkeypatch.setattr(selectors, "progress_for_course", real_progress)
    outcome = statements_record(actor=person, statements=statement)  # the app's retry
    assert len(outcome.created) == 1
    assert Enrolment.objects.get(learner=person).completed_at is not None
    # A further retry stores nothing and changes nothing.
    assert statements_record(actor=person, statements=statement).created == []
    assert Statement.objects.count() == 1
