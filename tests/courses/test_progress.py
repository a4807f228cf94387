"""Progress and completion derived from the learning records, the completion signal, and
the contracts other rooms rely on."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone
from wagtail.models import Locale

from courses import selectors, services
from courses.models import Enrolment, LessonPage
from courses.signals import course_completed
from lms.records import activities
from lms.records.activities import activity_id
from lms.records.services import StatementForbidden, statements_record
from tests.courses import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def signals_received():
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    course_completed.connect(receiver, dispatch_uid="test-receiver")
    yield received
    course_completed.disconnect(dispatch_uid="test-receiver")


def lessons_of(course):
    return list(LessonPage.objects.descendant_of(course).order_by("path"))


def complete_all_lessons(person, course):
    statements_record(
        actor=person,
        statements=[
            factories.statement(activity_id("lesson", lesson.pk)) for lesson in lessons_of(course)
        ],
    )


def test_completing_every_lesson_completes_the_course_and_signals_once(
    small_programme, signals_received, django_capture_on_commit_callbacks
):
    person = factories.learner()
    factories.enrolled_long_ago(small_programme, person)
    lessons = lessons_of(small_programme)
    with django_capture_on_commit_callbacks(execute=True):
        statements_record(
            actor=person,
            statements=[factories.statement(activity_id("lesson", p.pk)) for p in lessons[:-1]],
        )
    assert signals_received == []
    assert (
        selectors.progress_for_course(learner=person, course=small_programme).percent(
            small_programme
        )
        == 75
    )
    with django_capture_on_commit_callbacks(execute=True):
        statements_record(
            actor=person, statements=factories.statement(activity_id("lesson", lessons[-1].pk))
        )
        # Completing a lesson again later sends nothing more.
        statements_record(
            actor=person, statements=factories.statement(activity_id("lesson", lessons[0].pk))
        )
    assert len(signals_received) == 1
    assert signals_received[0]["learner"] == person
    assert signals_received[0]["course"].pk == small_programme.pk
    assert selectors.courses_completed_by(learner=person) == {small_programme.pk}


def test_experienced_alone_does_not_complete_a_lesson(small_programme):
    person = factories.learner()
    services.enrolment_create(learner=person, course=small_programme)
    lesson = lessons_of(small_programme)[0]
    statements_record(
        actor=person,
        statements=factories.statement(activity_id("lesson", lesson.pk), "experienced"),
    )
    progress = selectors.progress_for_course(learner=person, course=small_programme)
    assert progress.lessons_done == set()


def test_a_scored_activity_whose_parent_is_the_lesson_completes_it(small_programme, monkeypatch):
    monkeypatch.setitem(
        activities._kinds, "h5p", activities.ActivityKind("h5p", lambda user, keys: set(keys))
    )
    person = factories.learner()
    services.enrolment_create(learner=person, course=small_programme)
    lesson = lessons_of(small_programme)[1]
    statements_record(
        actor=person,
        statements=[
            factories.statement(
                activity_id("h5p", "7"), "answered", parent=activity_id("lesson", lesson.pk)
            ),
        ],
    )
    assert (
        selectors.progress_for_course(learner=person, course=small_programme).lessons_done == set()
    )
    statements_record(
        actor=person,
        statements=factories.statement(
            activity_id("h5p", "7"), "passed", parent=activity_id("lesson", lesson.pk)
        ),
    )
    assert selectors.progress_for_course(learner=person, course=small_programme).lessons_done == {
        lesson.pk
    }


def test_only_enrolled_learners_may_record_about_a_lesson(small_programme):
    outsider = factories.learner()
    lesson = lessons_of(small_programme)[0]
    with pytest.raises(StatementForbidden):
        statements_record(
            actor=outsider, statements=factories.statement(activity_id("lesson", lesson.pk))
        )
    assert selectors.learner_is_enrolled_in_page(learner=outsider, page=lesson) is False
    services.enrolment_create(learner=outsider, course=small_programme)
    assert selectors.learner_is_enrolled_in_page(learner=outsider, page=lesson) is True


def test_completion_is_never_undone(small_programme, django_capture_on_commit_callbacks):
    small_programme.complete_attendance_percent = 100
    small_programme.save()
    trainer = factories.trainer()
    cohort = factories.cohort(
        small_programme, trainers=[trainer], start_date=timezone.localdate() - factories.LONG_AGO
    )
    person = factories.learner()
    factories.enrol(small_programme, [person], cohort)
    session = factories.session(cohort)
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_mark(session=session, learner=person, present=True, marked_by=trainer)
        complete_all_lessons(person, small_programme)
    enrolment = Enrolment.objects.get(learner=person)
    assert enrolment.completed_at is not None
    # The trainer corrects the roster afterwards: the completion stands.
    services.attendance_mark(session=session, learner=person, present=False, marked_by=trainer)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None


def test_attendance_rule_needs_the_share_of_sessions(small_programme):
    small_programme.complete_lessons = False
    small_programme.complete_attendance_percent = 50
    small_programme.save()
    trainer = factories.trainer()
    cohort = factories.cohort(small_programme, trainers=[trainer])
    person = factories.learner()
    factories.enrol(small_programme, [person], cohort)
    sessions = [factories.session(cohort, title=f"S{n}") for n in range(4)]
    services.attendance_mark(session=sessions[0], learner=person, present=True, marked_by=trainer)
    assert Enrolment.objects.get(learner=person).completed_at is None
    services.attendance_mark(session=sessions[1], learner=person, present=True, marked_by=trainer)
    assert Enrolment.objects.get(learner=person).completed_at is not None


def test_knowledge_checks_count_when_the_rule_asks_for_them(small_programme):
    small_programme.complete_knowledge_checks = True
    small_programme.save()
    person = factories.learner()
    factories.enrolled_long_ago(small_programme, person)
    complete_all_lessons(person, small_programme)
    assert Enrolment.objects.get(learner=person).completed_at is None
    for lesson in lessons_of(small_programme):
        for block_id in lesson.knowledge_check_ids:
            outcome = services.knowledge_check_answer(
                learner=person,
                lesson=lesson,
                block_id=block_id,
                choice=1,
                form_token=services.derived_statement_id("wrong", block_id),
            )
            assert outcome.correct is False
    assert Enrolment.objects.get(learner=person).completed_at is None
    for lesson in lessons_of(small_programme):
        for block_id in lesson.knowledge_check_ids:
            services.knowledge_check_answer(
                learner=person,
                lesson=lesson,
                block_id=block_id,
                choice=0,
                form_token=services.derived_statement_id("right", block_id),
            )
    assert Enrolment.objects.get(learner=person).completed_at is not None


def test_a_translated_lesson_counts_in_the_same_course(small_programme):
    arabic = Locale.objects.get_or_create(language_code="ar")[0]
    for page in [small_programme, *small_programme.get_descendants().specific()]:
        page.copy_for_translation(arabic, copy_parents=True)
    person = factories.learner()
    translated_lesson = LessonPage.objects.filter(locale=arabic).order_by("path").first()
    translated_course = small_programme.get_translation(arabic)
    factories.enrolled_long_ago(translated_course, person)
    assert Enrolment.objects.get(learner=person).course_id == small_programme.pk
    assert selectors.learner_is_enrolled_in_page(learner=person, page=translated_lesson)
    services.lesson_complete(
        learner=person, lesson=translated_lesson, form_token=services.derived_statement_id("x")
    )
    progress = selectors.progress_for_course(learner=person, course=translated_course)
    assert progress.lessons_done == {translated_lesson.get_translation(Locale.get_default()).pk}
    complete_all_lessons(person, small_programme)
    assert selectors.courses_completed_by(learner=person) == {
        small_programme.pk,
        translated_course.pk,
    }


def test_self_enrolment_is_refused_where_trainers_enrol(training):
    course = factories.seminar(training, self_enrolment=False)
    with pytest.raises(services.CourseActionError):
        services.enrolment_create(learner=factories.learner(), course=course)


def test_enrolling_twice_keeps_one_enrolment(small_programme):
    person = factories.learner()
    first = services.enrolment_create(learner=person, course=small_programme)
    again = services.enrolment_create(learner=person, course=small_programme)
    assert first.pk == again.pk
    assert Enrolment.objects.filter(learner=person).count() == 1


def test_modules_open_month_by_month_from_the_cohort_start(small_programme):
    structure = selectors.course_structure(course=small_programme)
    start = dt.date(2026, 1, 31)
    assert structure.modules[0].opens_on(start) == start
    assert structure.modules[1].opens_on(start) == dt.date(2026, 2, 28)
    assert selectors.add_months(dt.date(2026, 11, 15), 3) == dt.date(2027, 2, 15)


def test_pre_post_tests_give_gain_per_learner_and_per_question(training):
    course = factories.seminar(training, questions=2, self_enrolment=True)
    strong, weak = factories.learner(), factories.learner()
    for person in (strong, weak):
        services.enrolment_create(learner=person, course=course)
    ids = [block.id for block in course.test_questions]
    token = services.derived_statement_id
    services.test_submit(
        learner=strong,
        course=course,
        phase="pre",
        answers={ids[0]: 0, ids[1]: 1},
        form_token=token("s-pre"),
    )
    services.test_submit(
        learner=strong,
        course=course,
        phase="post",
        answers={ids[0]: 0, ids[1]: 0},
        form_token=token("s-post"),
    )
    services.test_submit(
        learner=weak,
        course=course,
        phase="pre",
        answers={ids[0]: 1, ids[1]: 1},
        form_token=token("w-pre"),
    )
    gain = selectors.knowledge_gain(course=course, learner_ids=[strong.pk, weak.pk])
    assert gain.per_learner[strong.pk] == (50.0, 100.0, 50.0)
    assert gain.per_learner[weak.pk] == (0.0, None, None)
    assert [(pre, post) for _q, pre, post in gain.per_question] == [(50.0, 100.0), (0.0, 100.0)]


def test_a_test_with_a_missing_answer_is_refused(training):
    course = factories.seminar(training, questions=2, self_enrolment=True)
    person = factories.learner()
    services.enrolment_create(learner=person, course=course)
    first = next(iter(course.test_questions)).id
    with pytest.raises(services.CourseActionError):
        services.test_submit(
            learner=person,
            course=course,
            phase="pre",
            answers={first: 0},
            form_token=services.derived_statement_id("t"),
        )


def test_workbook_completes_when_every_step_is_approved_for_the_team(
    training, django_capture_on_commit_callbacks, signals_received
):
    from tests.accounts.factories import OrganisationFactory

    team = OrganisationFactory()
    book = factories.workbook(training, steps=2)
    owner, colleague = factories.learner(organisation=team), factories.learner(organisation=team)
    advisor = factories.trainer()
    for person in (owner, colleague):
        services.enrolment_create(learner=person, course=book)
    structure = selectors.course_structure(course=book)
    with django_capture_on_commit_callbacks(execute=True):
        for item in structure.submission_items:
            submission = services.submission_create(
                learner=owner, course=book, item=item, text="We elected four representatives."
            )
            services.submission_review(submission=submission, reviewer=advisor, approve=True)
    assert Enrolment.objects.get(learner=colleague).completed_at is not None
    assert {s["learner"] for s in signals_received} == {owner, colleague}


def test_asking_for_changes_needs_a_comment(training):
    book = factories.workbook(training, steps=1)
    person = factories.learner()
    services.enrolment_create(learner=person, course=book)
    item = selectors.course_structure(course=book).submission_items[0]
    submission = services.submission_create(learner=person, course=book, item=item, text="Done")
    with pytest.raises(services.CourseActionError):
        services.submission_review(submission=submission, reviewer=person, approve=False)


def test_practice_assignment_is_a_submission_item(training):
    sst = factories.supervisor_training(training)
    items = selectors.course_structure(course=sst).submission_items
    assert len(items) == 1
    assert items[0].startswith("practice-")
    # A practice report on that item is stored (its key is longer than a page id).
    person = factories.learner()
    services.enrolment_create(learner=person, course=sst, source="trainer")
    report = services.submission_create(
        learner=person, course=sst, item=items[0], text="Coached two operators."
    )
    assert report.item == items[0]


def test_check_in_with_a_session_code(small_programme):
    trainer = factories.trainer()
    cohort = factories.cohort(small_programme, trainers=[trainer])
    person, stranger = factories.learner(), factories.learner()
    factories.enrol(small_programme, [person], cohort)
    session = factories.session(cohort)
    attendance = services.attendance_check_in(learner=person, code=session.check_in_code.lower())
    assert attendance.present
    assert attendance.via == "code"
    with pytest.raises(services.CourseActionError):
        services.attendance_check_in(learner=stranger, code=session.check_in_code)
    with pytest.raises(services.CourseActionError):
        services.attendance_check_in(learner=person, code="NOPE42")
    later = factories.session(
        cohort, starts_at=timezone.now() + dt.timedelta(days=2), title="Later"
    )
    with pytest.raises(services.CourseActionError):
        services.attendance_check_in(learner=person, code=later.check_in_code)


def test_answering_a_knowledge_check_does_not_complete_the_lesson(small_programme):
    person = factories.learner()
    services.enrolment_create(learner=person, course=small_programme)
    lesson = lessons_of(small_programme)[0]
    services.knowledge_check_answer(
        learner=person,
        lesson=lesson,
        block_id=lesson.knowledge_check_ids[0],
        choice=0,
        form_token=services.derived_statement_id("q"),
    )
    progress = selectors.progress_for_course(learner=person, course=small_programme)
    assert progress.lessons_done == set()
    assert len(progress.checks_passed) == 1


def test_the_pre_test_is_taken_once(training):
    course = factories.seminar(training, questions=1, self_enrolment=True)
    person = factories.learner()
    services.enrolment_create(learner=person, course=course)
    answers = {next(iter(course.test_questions)).id: 0}
    services.test_submit(
        learner=person, course=course, phase="pre", answers=answers, form_token=uuid.uuid4()
    )
    with pytest.raises(services.CourseActionError):
        services.test_submit(
            learner=person, course=course, phase="pre", answers=answers, form_token=uuid.uuid4()
        )


def test_the_cohort_grid_reads_what_the_selectors_read_one_by_one(training):
    """The grid reads progress and test statements in one query (issue 14): each learner's
    progress and knowledge gain are the ones the selectors compute on their own."""
    course = factories.seminar(training, lessons=2, questions=2, self_enrolment=True)
    cohort = factories.cohort(course, trainers=[factories.trainer()])
    people = [factories.learner() for _ in range(3)]
    factories.enrol(course, people, cohort=cohort)
    factories.session(cohort)
    ids = [block.id for block in course.test_questions]
    token = services.derived_statement_id
    for number, person in enumerate(people[:2]):
        services.test_submit(
            learner=person,
            course=course,
            phase="pre",
            answers={ids[0]: number, ids[1]: 1},
            form_token=token(f"{number}-pre"),
        )
    services.test_submit(
        learner=people[0],
        course=course,
        phase="post",
        answers={ids[0]: 0, ids[1]: 0},
        form_token=token("0-post"),
    )
    services.lesson_complete(
        learner=people[1], lesson=lessons_of(course)[0], form_token=uuid.uuid4()
    )

    grid = selectors.cohort_grid(cohort=cohort)
    progress = selectors.progress_for_learners(course=course, learners=people, cohort=cohort)
    gain = selectors.knowledge_gain(course=course, learner_ids=[p.pk for p in people])
    assert [row.learner for row in grid.rows] == sorted(
        people, key=lambda p: (p.display_name, p.username)
    )
    for row in grid.rows:
        assert row.progress == progress[row.learner.pk]
        assert (row.pre, row.post, row.gain) == gain.per_learner[row.learner.pk]
    assert grid.gain.per_question == gain.per_question
    assert grid.sessions_total == 1
    assert progress[people[1].pk].lessons_done  # the data is not empty
    assert gain.per_learner[people[0].pk][2] is not None
