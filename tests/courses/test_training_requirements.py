"""Required and recurring training (issue 22.6): who is assigned, when it is due, a new cycle
that needs completing again, due-soon and overdue notices sent once each, idempotent reruns."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from freezegun import freeze_time

from courses import selectors, services, training
from courses.models import Enrolment, LessonPage, TrainingAssignment, TrainingRequirement
from courses.signals import training_due_soon, training_overdue
from lms.accounts.models import Organisation, Role
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.courses import factories
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def sent():
    """Every training notice sent, as (kind, username, course id, due date)."""
    calls = []

    def due_soon(sender, learner, course, due_on, **kwargs):
        calls.append(("due_soon", learner.username, course.pk, due_on))

    def overdue(sender, learner, course, due_on, **kwargs):
        calls.append(("overdue", learner.username, course.pk, due_on))

    training_due_soon.connect(due_soon, dispatch_uid="test_due_soon")
    training_overdue.connect(overdue, dispatch_uid="test_overdue")
    yield calls
    training_due_soon.disconnect(dispatch_uid="test_due_soon")
    training_overdue.disconnect(dispatch_uid="test_overdue")


@pytest.fixture
def refresher(training):
    """A one-lesson OSH refresher, completed by reading its lesson."""
    return factories.seminar(training, title="OSH refresher", lessons=1, questions=0)


@pytest.fixture
def factory():
    return OrganisationFactory(name="Saigon Garment")


def _worker(organisation, **kwargs):
    return UserFactory(organisation=organisation, roles=["worker"], **kwargs)


def _require(course, organisation, **kwargs):
    return training.training_requirement_create(
        course=course,
        role=Role.objects.get(code="worker"),
        organisation=organisation,
        **kwargs,
    )


def _complete(person, course):
    for lesson in LessonPage.objects.descendant_of(course):
        services.lesson_complete(learner=person, lesson=lesson, form_token=uuid.uuid4())


def test_a_requirement_enrols_the_people_it_reaches_once(refresher, factory):
    worker = _worker(factory)
    supervisor = UserFactory(organisation=factory, roles=["supervisor"])
    elsewhere = _worker(OrganisationFactory(name="Other factory"))
    _require(refresher, factory, due_within_days=30)
    today = dt.date(2026, 3, 1)

    first = training.training_requirements_apply(today=today)
    again = training.training_requirements_apply(today=today)

    assert (first.assigned, again.assigned) == (1, 0)
    enrolment = Enrolment.objects.get(learner=worker, course=refresher)
    assert enrolment.source == Enrolment.Source.REQUIRED
    assignment = TrainingAssignment.objects.get(learner=worker)
    assert (assignment.cycle, assignment.due_on) == (1, dt.date(2026, 3, 31))
    assert not Enrolment.objects.filter(learner__in=[supervisor, elsewhere]).exists()


def test_due_within_days_of_joining_counts_from_the_day_they_joined(refresher, factory):
    worker = _worker(factory, date_joined=dt.datetime(2026, 2, 1, 8, tzinfo=dt.UTC))
    _require(refresher, factory, due_within_days=10, due_from="joined")
    training.training_requirements_apply(today=dt.date(2026, 2, 5))
    assert TrainingAssignment.objects.get(learner=worker).due_on == dt.date(2026, 2, 11)


def test_a_country_requirement_reaches_every_factory_of_the_country_only(refresher):
    in_vn = _worker(OrganisationFactory(name="VN factory"))
    partner = _worker(OrganisationFactory(name="VN partner", kind=Organisation.Kind.PARTNER))
    in_kh = _worker(OrganisationFactory(name="KH factory", country=country("kh")))
    training.training_requirement_create(
        course=refresher, role=Role.objects.get(code="worker"), country=country("vn")
    )
    training.training_requirements_apply(today=dt.date(2026, 3, 1))
    assert list(TrainingAssignment.objects.values_list("learner", flat=True)) == [in_vn.pk]
    assert not Enrolment.objects.filter(learner__in=[partner, in_kh]).exists()


def test_an_organisation_of_another_country_is_refused(refresher):
    requirement = TrainingRequirement(
        course=refresher,
        role=Role.objects.get(code="worker"),
        organisation=OrganisationFactory(country=country("kh")),
        country=country("vn"),
    )
    with pytest.raises(ValidationError):
        requirement.full_clean()


def test_a_recurring_training_opens_a_new_cycle_that_must_be_completed_again(
    refresher, factory, django_capture_on_commit_callbacks
):
    worker = _worker(factory)
    _require(refresher, factory, due_within_days=30, recur_every_months=12)
    with freeze_time(START):
        training.training_requirements_apply()
        with django_capture_on_commit_callbacks(execute=True):
            _complete(worker, refresher)
    first = TrainingAssignment.objects.get(learner=worker, cycle=1)
    assert first.completed_at == START  # closed at once by the course_completed receiver

    # Twelve months after completing, less the 30 days it may take: 6 December 2026.
    with freeze_time(dt.datetime(2026, 12, 5, 9, tzinfo=dt.UTC)):
        assert training.training_requirements_apply().recurred == 0
    with freeze_time(dt.datetime(2026, 12, 6, 9, tzinfo=dt.UTC)):
        assert training.training_requirements_apply().recurred == 1
        assert training.training_requirements_apply().recurred == 0
    second = TrainingAssignment.objects.get(learner=worker, cycle=2)
    assert (second.due_on, second.completed_at) == (dt.date(2027, 1, 5), None)
    enrolment = Enrolment.objects.get(learner=worker, course=refresher)
    assert enrolment.completed_at is None
    # Last year's reading does not count in the new cycle.
    progress = selectors.progress_for_course(learner=worker, course=refresher)
    assert progress.lessons_done == set()

    with (
        freeze_time(dt.datetime(2026, 12, 20, 9, tzinfo=dt.UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _complete(worker, refresher)
    second.refresh_from_db()
    assert second.completed_at == dt.datetime(2026, 12, 20, 9, tzinfo=dt.UTC)


def test_months_are_calendar_months():
    requirement = TrainingRequirement(recur_every_months=1, due_within_days=10)
    completed = dt.datetime(2027, 1, 31, 12, tzinfo=dt.UTC)
    assert training.next_due_on(requirement=requirement, completed_at=completed) == dt.date(
        2027, 2, 28
    )


def test_a_training_done_before_it_was_required_counts_for_the_first_cycle(refresher, factory):
    worker = _worker(factory)
    services.enrolment_create(learner=worker, course=refresher)
    _complete(worker, refresher)
    _require(refresher, factory, recur_every_months=12)
    training.training_requirements_apply(today=timezone.localdate())
    assert TrainingAssignment.objects.get(learner=worker).completed_at is not None


def test_due_soon_and_overdue_are_sent_once_each_per_due_date(refresher, factory, sent):
    worker = _worker(factory)
    _require(refresher, factory, due_within_days=30, remind_days_before=14)
    training.training_requirements_apply(today=dt.date(2026, 3, 1))  # due 31 March
    due = dt.date(2026, 3, 31)

    for day in (dt.date(2026, 3, 16), dt.date(2026, 3, 16)):
        training.training_requirements_apply(today=day)
    assert sent == []
    for day in (dt.date(2026, 3, 17), dt.date(2026, 3, 17), dt.date(2026, 3, 31)):
        training.training_requirements_apply(today=day)
    assert sent == [("due_soon", worker.username, refresher.pk, due)]
    for day in (dt.date(2026, 4, 1), dt.date(2026, 4, 1), dt.date(2026, 5, 1)):
        training.training_requirements_apply(today=day)
    assert sent == [
        ("due_soon", worker.username, refresher.pk, due),
        ("overdue", worker.username, refresher.pk, due),
    ]


def test_nothing_is_sent_for_a_completed_training(refresher, factory, sent):
    worker = _worker(factory)
    _require(refresher, factory, due_within_days=20, remind_days_before=14)
    training.training_requirements_apply(today=timezone.localdate())
    _complete(worker, refresher)
    training.training_requirements_apply(today=timezone.localdate() + dt.timedelta(days=30))
    assert sent == []
    assert TrainingAssignment.objects.get(learner=worker).completed_at is not None


def test_a_claimed_notice_is_not_sent_again_by_a_concurrent_run(refresher, factory, sent):
    _worker(factory)
    _require(refresher, factory, due_within_days=0)
    training.training_requirements_apply(today=dt.date(2026, 3, 1))
    assignment = TrainingAssignment.objects.get()
    # Another run claimed the overdue notice between our read and our claim.
    TrainingAssignment.objects.filter(pk=assignment.pk).update(overdue_sent_at=timezone.now())
    assert training._claim(assignment, "overdue_sent_at") is False
    training.training_requirements_apply(today=dt.date(2026, 3, 2))
    assert [kind for kind, *_rest in sent] == ["due_soon"]


def test_the_daily_task_is_scheduled():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["courses-training-requirements"]
    assert entry["task"] == "courses.tasks.training_requirements_apply_task"


def test_country_staff_keep_only_their_countrys_requirements_in_the_admin(
    client, refresher, totp_for
):
    from tests.accounts.factories import country_staff

    vietnam = _require(refresher, OrganisationFactory(name="Hanoi Knit"))
    cambodia = _require(
        refresher, OrganisationFactory(name="Phnom Penh Knit", country=country("kh"))
    )
    client.force_login(totp_for(country_staff("vn")))
    page = client.get("/admin/required_training/").content.decode()
    assert "Hanoi Knit" in page
    assert "Phnom Penh Knit" not in page
    assert client.get(f"/admin/required_training/edit/{vietnam.pk}/").status_code == 200
    assert client.get(f"/admin/required_training/edit/{cambodia.pk}/").status_code in (302, 403)
    worker = _worker(OrganisationFactory())
    client.force_login(worker)
    assert client.get("/admin/required_training/").status_code in (302, 403)
