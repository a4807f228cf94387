"""Participants' evaluations: offered after a session they attended or a course they
completed, answered once (retry-safe), stored without a link to the person."""

import datetime as dt

import pytest
from django.utils import timezone

from courses import services as course_services
from courses.evaluations import selectors, services
from courses.evaluations.models import EvaluationAnswer, EvaluationReceipt
from courses.models import Enrolment
from courses.services import CourseActionError
from tests.courses import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(training):
    return factories.seminar(training, title="Fire safety", lessons=1)


@pytest.fixture
def trainer():
    return factories.trainer()


@pytest.fixture
def held(course, trainer):
    """A session that ended yesterday, with one participant present and one absent."""
    cohort = factories.cohort(course, trainers=[trainer])
    start = timezone.now() - dt.timedelta(days=1, hours=4)
    session = factories.session(cohort, starts_at=start, title="Fire drill")
    present, absent = factories.learner(), factories.learner()
    factories.enrol(course, [present, absent], cohort)
    course_services.attendance_mark(
        session=session, learner=present, present=True, marked_by=trainer
    )
    course_services.attendance_mark(
        session=session, learner=absent, present=False, marked_by=trainer
    )
    return session, present, absent


def test_a_session_attended_is_waiting_and_a_missed_one_is_not(held):
    session, present, absent = held
    waiting = selectors.evaluations_waiting_for(person=present)
    assert [(s.target, s.target_id) for s in waiting] == [("session", session.pk)]
    assert selectors.evaluations_waiting_for(person=absent) == []


def test_a_session_not_over_yet_is_not_waiting(course, trainer):
    cohort = factories.cohort(course, trainers=[trainer])
    session = factories.session(cohort)  # started ten minutes ago, ends in three hours
    person = factories.learner()
    factories.enrol(course, [person], cohort)
    course_services.attendance_mark(
        session=session, learner=person, present=True, marked_by=trainer
    )
    assert selectors.evaluations_waiting_for(person=person) == []
    with pytest.raises(CourseActionError):
        services.evaluation_submit(
            person=person,
            target="session",
            target_id=session.pk,
            content_rating=5,
            trainer_rating=5,
        )


def test_a_completed_course_is_waiting(course):
    person = factories.learner()
    enrolment = course_services.enrolment_create(learner=person, course=course)
    assert selectors.evaluations_waiting_for(person=person) == []
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=timezone.now())
    waiting = selectors.evaluations_waiting_for(person=person)
    assert [(s.target, s.target_id, s.has_trainer) for s in waiting] == [
        ("course", course.pk, False)
    ]


def test_an_evaluation_is_recorded_once_however_often_it_is_sent(held):
    session, present, _absent = held
    first = services.evaluation_submit(
        person=present, target="session", target_id=session.pk, content_rating=4, trainer_rating=5
    )
    again = services.evaluation_submit(
        person=present, target="session", target_id=session.pk, content_rating=1, trainer_rating=1
    )
    assert (first, again) == (True, False)
    answer = EvaluationAnswer.objects.get()
    assert (answer.content_rating, answer.trainer_rating) == (4, 5)
    assert selectors.evaluations_waiting_for(person=present) == []


def test_someone_who_did_not_attend_cannot_evaluate(held):
    session, _present, absent = held
    with pytest.raises(CourseActionError):
        services.evaluation_submit(
            person=absent,
            target="session",
            target_id=session.pk,
            content_rating=1,
            trainer_rating=1,
        )
    assert not EvaluationAnswer.objects.exists()


def test_the_answer_has_nothing_that_leads_back_to_the_person(held):
    session, present, _absent = held
    services.evaluation_submit(
        person=present,
        target="session",
        target_id=session.pk,
        content_rating=3,
        trainer_rating=2,
        comment="<b>Too fast</b> for us",
    )
    answer = EvaluationAnswer.objects.get()
    receipt = EvaluationReceipt.objects.get()
    # No column refers to a person, and no time finer than the month is kept.
    columns = {f.column for f in EvaluationAnswer._meta.concrete_fields}
    assert columns == {
        "id",
        "target",
        "course_id",
        "cohort_id",
        "session_id",
        "country_id",
        "content_rating",
        "trainer_rating",
        "comment",
        "month",
    }
    assert answer.month.day == 1
    # The primary key is random: no sequence to line up with the receipt's.
    assert answer.pk.version == 4
    assert (receipt.person, receipt.target, receipt.target_id) == (present, "session", session.pk)
    receipt_columns = {f.column for f in EvaluationReceipt._meta.concrete_fields}
    assert receipt_columns == {"id", "person_id", "target", "target_id"}
    assert answer.comment == "Too fast for us"


def test_the_waiting_page_and_the_form(client, held):
    session, present, _absent = held
    client.force_login(present)
    html = client.get("/en/learn/evaluations/").content.decode()
    assert "Fire drill" in html
    url = f"/en/learn/evaluations/session/{session.pk}/"
    response = client.post(url, {"content_rating": "9", "comment": "Useful"})
    assert response.status_code == 400
    assert "Useful" in response.content.decode()  # what was typed is kept
    assert not EvaluationAnswer.objects.exists()
    response = client.post(url, {"content_rating": "4", "trainer_rating": "5", "comment": "ok"})
    assert response.status_code == 302
    assert EvaluationAnswer.objects.count() == 1
    assert "Fire drill" not in client.get("/en/learn/evaluations/").content.decode()


def test_the_form_is_not_found_for_someone_else_s_session(client, held):
    session, _present, absent = held
    client.force_login(absent)
    assert client.get(f"/en/learn/evaluations/session/{session.pk}/").status_code == 404
    client.logout()
    response = client.get(f"/en/learn/evaluations/session/{session.pk}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
