"""What courses tells people: enrolment, session reminders 24 h and 1 h before (frozen
clock), modules opening, review outcomes, a waiting-list seat, training due and overdue.
Each once, in the person's language."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time

from courses import notifications as course_notifications
from courses import services
from courses.signals import training_due_soon, training_overdue, waitlist_seat_given
from lms.notifications.models import Notification
from tests.courses import factories

pytestmark = pytest.mark.django_db


def _told(kind, person=None):
    found = Notification.objects.filter(kind=kind)
    if person is not None:
        found = found.filter(recipient=person)
    return list(found.order_by("pk"))


def test_a_learner_is_told_once_when_enrolled(small_programme, django_capture_on_commit_callbacks):
    learner = factories.learner()
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_create(learner=learner, course=small_programme)
        services.enrolment_create(learner=learner, course=small_programme)
    (notice,) = _told(course_notifications.ENROLMENT, learner)
    assert notice.subject == "You are enrolled in 12-month programme"
    assert notice.link == small_programme.get_url()
    assert [m.subject for m in mail.outbox] == [notice.subject]


def test_a_whole_class_enrolled_by_a_trainer_is_told_each(
    small_programme, django_capture_on_commit_callbacks
):
    trainer = factories.trainer()
    cohort = factories.cohort(small_programme, trainers=[trainer])
    people = [factories.learner() for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        factories.enrol(small_programme, people, cohort=cohort)
    assert {n.recipient_id for n in _told(course_notifications.ENROLMENT)} == {p.pk for p in people}


START = dt.datetime(2026, 3, 10, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def class_with_session(small_programme):
    trainer = factories.trainer()
    cohort = factories.cohort(small_programme, trainers=[trainer])
    learners = [factories.learner(), factories.learner(preferred_language="vi")]
    factories.enrol(small_programme, learners, cohort=cohort)
    session = factories.session(cohort, starts_at=START, title="Fire safety")
    return session, learners


@pytest.fixture
def remind_at(django_capture_on_commit_callbacks):
    """Run the reminders' beat task at ``moment``, its deliveries as the worker would."""

    def run(moment):
        with freeze_time(moment), django_capture_on_commit_callbacks(execute=True):
            return course_notifications.session_reminders_send()

    return run


def test_session_reminders_go_a_day_and_an_hour_before_once_each(class_with_session, remind_at):
    _session, learners = class_with_session
    assert remind_at(START - dt.timedelta(hours=30)) == 0
    assert remind_at(START - dt.timedelta(hours=23, minutes=58)) == 2
    # Beat runs every few minutes: the same window is not reminded again.
    assert remind_at(START - dt.timedelta(hours=23, minutes=53)) == 0
    assert remind_at(START - dt.timedelta(hours=5)) == 0
    assert remind_at(START - dt.timedelta(minutes=58)) == 2
    assert remind_at(START - dt.timedelta(minutes=3)) == 0
    assert remind_at(START + dt.timedelta(minutes=5)) == 0
    reminders = _told(course_notifications.SESSION_REMINDER, learners[0])
    assert [n.params["window"] for n in reminders] == ["24h", "1h"]
    assert reminders[0].subject.startswith("Reminder: Fire safety on ")
    assert reminders[1].subject.startswith("Fire safety starts soon, at ")
    assert len(mail.outbox) == 4


def test_a_session_planned_at_short_notice_gets_the_hour_one_only(class_with_session, remind_at):
    assert remind_at(START - dt.timedelta(minutes=40)) == 2
    assert [n.params["window"] for n in _told(course_notifications.SESSION_REMINDER)] == [
        "1h",
        "1h",
    ]


def test_a_session_moved_to_another_day_is_reminded_again(class_with_session, remind_at):
    session, _learners = class_with_session
    assert remind_at(START - dt.timedelta(hours=20)) == 2
    session.starts_at = START + dt.timedelta(days=2)
    session.ends_at = session.starts_at + dt.timedelta(hours=3)
    session.save()
    assert remind_at(session.starts_at - dt.timedelta(hours=20)) == 2


def test_the_reminder_reads_in_the_learners_language(class_with_session, remind_at):
    _session, learners = class_with_session
    remind_at(START - dt.timedelta(hours=10))
    vi = _told(course_notifications.SESSION_REMINDER, learners[1])[0]
    assert vi.language == "vi"
    # Django's Vietnamese date format names the month in Vietnamese.
    assert "tháng" in vi.subject.lower() or "Tháng" in vi.subject


def test_a_module_opening_is_announced_on_its_day_once(small_programme):
    trainer = factories.trainer()
    cohort = factories.cohort(small_programme, trainers=[trainer], start_date=dt.date(2026, 1, 15))
    learner = factories.learner()
    factories.enrol(small_programme, [learner], cohort=cohort)
    with freeze_time("2026-02-14 04:00"):
        assert course_notifications.module_openings_announce() == 0
    with freeze_time("2026-02-15 04:00"):
        assert course_notifications.module_openings_announce() == 1
        assert course_notifications.module_openings_announce() == 0
    (notice,) = _told(course_notifications.MODULE_OPENED, learner)
    assert notice.subject == "A new module is open: Module 2"


def test_a_review_outcome_is_told_to_the_learner_per_decision(
    training, django_capture_on_commit_callbacks
):
    course = factories.workbook(training)
    learner, trainer = factories.learner(), factories.trainer()
    factories.enrol(course, [learner])
    step = str(course.get_children().first().pk)
    submission = services.submission_create(
        learner=learner, course=course, item=step, text="We cleared the exits"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_review(
            submission=submission, reviewer=trainer, approve=False, comment="Add a photo"
        )
    with (
        freeze_time(timezone.now() + dt.timedelta(minutes=5)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.submission_review(submission=submission, reviewer=trainer, approve=True)
    changes, approved = _told(course_notifications.REVIEW_OUTCOME, learner)
    assert changes.subject.startswith("Changes requested on your work")
    assert "Add a photo" in changes.body
    assert approved.subject.startswith("Your work for")
    assert approved.subject.endswith("is approved")


def test_a_waiting_list_seat_is_told_once(class_with_session):
    session, _learners = class_with_session
    person = factories.learner(preferred_language="ar")
    registration = SimpleNamespace(learner=person, session=session)
    waitlist_seat_given.send(sender=None, registration=registration)
    waitlist_seat_given.send(sender=None, registration=registration)
    (notice,) = _told(course_notifications.WAITLIST_SEAT, person)
    assert notice.language == "ar"
    assert "Fire safety" in notice.subject
    assert notice.params["session_id"] == session.pk


def test_training_due_soon_and_overdue_are_told_once_per_due_date(small_programme):
    person = factories.learner()
    due_on = dt.date(2026, 6, 30)
    for _ in range(2):
        training_due_soon.send(sender=None, learner=person, course=small_programme, due_on=due_on)
        training_overdue.send(sender=None, learner=person, course=small_programme, due_on=due_on)
    (soon,) = _told(course_notifications.TRAINING_DUE_SOON, person)
    (late,) = _told(course_notifications.TRAINING_OVERDUE, person)
    assert soon.subject.startswith("12-month programme is due on ")
    assert late.subject.startswith("Overdue: 12-month programme was due on ")
    # The next year's due date is another event.
    training_due_soon.send(
        sender=None, learner=person, course=small_programme, due_on=dt.date(2027, 6, 30)
    )
    assert len(_told(course_notifications.TRAINING_DUE_SOON, person)) == 2


def test_a_session_taking_sign_ups_reminds_only_those_holding_a_seat(class_with_session, remind_at):
    from courses import registration_services

    session, (seated, waiting) = class_with_session
    before = START - dt.timedelta(days=3)
    registration_services.session_signup_configure(session=session, capacity=1, now=before)
    registration_services.session_registration_create(
        session=session, learner=seated, registered_by=seated, now=before
    )
    queued = registration_services.session_registration_create(
        session=session, learner=waiting, registered_by=waiting, now=before
    )
    assert queued.status == "waitlisted"
    assert remind_at(START - dt.timedelta(hours=23, minutes=58)) == 1
    assert [n.recipient for n in _told(course_notifications.SESSION_REMINDER)] == [seated]


def test_people_present_at_a_session_are_invited_to_rate_it_once(
    small_programme, django_capture_on_commit_callbacks
):
    trainer = factories.trainer()
    cohort = factories.cohort(small_programme, trainers=[trainer])
    present, absent = factories.learner(), factories.learner(preferred_language="vi")
    factories.enrol(small_programme, [present, absent], cohort=cohort)
    ended = factories.session(
        cohort, starts_at=timezone.now() - dt.timedelta(hours=4), title="Fire drill"
    )
    services.attendance_mark(session=ended, learner=present, present=True, marked_by=trainer)
    services.attendance_mark(session=ended, learner=absent, present=False, marked_by=trainer)
    upcoming = factories.session(
        cohort, starts_at=timezone.now() + dt.timedelta(days=1), title="Later"
    )
    services.attendance_mark(session=upcoming, learner=absent, present=True, marked_by=trainer)
    with django_capture_on_commit_callbacks(execute=True):
        assert course_notifications.evaluation_invitations_send() == 1
        assert course_notifications.evaluation_invitations_send() == 0
    invitations = _told(course_notifications.EVALUATION_WAITING)
    assert [n.recipient for n in invitations] == [present]
    assert "Fire drill" in invitations[0].subject


def test_a_completed_course_invites_its_evaluation_once(small_programme):
    from courses.signals import course_completed

    person = factories.learner()
    moment = timezone.now()
    for _ in range(2):
        course_completed.send(
            sender=None, learner=person, course=small_programme, completed_at=moment
        )
    assert len(_told(course_notifications.EVALUATION_WAITING, person)) == 1
