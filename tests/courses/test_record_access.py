"""The record access kept per learner (``courses.record_access``, decision 0123): a learner's
statements about a course's pages are authorised from the answer kept for them, which every
change of what it reads voids before their next record: enrolling, leaving, another cohort,
a cohort's start date, a module's month, a lesson moved or deleted. The day is compared on
each read, so a module opens without any write."""

import datetime as dt
import json
import random

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Locale

from courses import record_access, selectors, services
from courses.models import Cohort, Enrolment, LessonPage, ModulePage
from lms.records.activities import activity_id
from lms.records.models import Statement
from tests.accounts.factories import country_staff
from tests.courses import factories

pytestmark = pytest.mark.django_db

URL = "/api/records/statements"


@pytest.fixture
def vietnamese():
    return Locale.objects.get_or_create(language_code="vi")[0]


def record(client, lesson):
    """Post one statement about ``lesson``: the status and the error code (or None)."""
    payload = factories.statement(activity_id("lesson", lesson.pk), "experienced")
    response = client.post(URL, json.dumps(payload), content_type="application/json")
    return response.status_code, response.json().get("error")


def page_queries(captured) -> list[str]:
    return [q["sql"] for q in captured if "wagtailcore_page" in q["sql"]]


@pytest.mark.parametrize("modules", [2, 6])
def test_a_learners_next_record_is_authorised_without_reading_pages_or_enrolments(
    client, training, modules, django_assert_max_num_queries
):
    programme = factories.programme(training, modules=modules, lessons=3)
    person = factories.learner()
    factories.enrolled_long_ago(programme, person)
    lessons = list(LessonPage.objects.descendant_of(programme).order_by("path"))
    client.force_login(person)
    client.get("/robots.txt")
    with CaptureQueriesContext(connection) as first:
        assert record(client, lessons[0]) == (200, None)
    assert page_queries(first.captured_queries)  # computed once
    # Session and person, then the insert in its savepoint.
    with django_assert_max_num_queries(5), CaptureQueriesContext(connection) as kept:
        assert record(client, lessons[0]) == (200, None)
    assert not page_queries(kept.captured_queries)
    assert not [q for q in kept.captured_queries if "courses_enrolment" in q["sql"]]
    # Another lesson of the course: computed for it alone, then kept beside the first.
    with CaptureQueriesContext(connection) as other:
        assert record(client, lessons[-1]) == (200, None)
    assert page_queries(other.captured_queries)
    with CaptureQueriesContext(connection) as both:
        assert record(client, lessons[0]) == (200, None)
        assert record(client, lessons[-1]) == (200, None)
    assert not page_queries(both.captured_queries)
    assert Statement.objects.count() == 5


def test_enrolling_shows_on_the_next_record(client, release):
    newcomer = factories.learner()
    client.force_login(newcomer)
    assert record(client, release["open"][0]) == (403, "forbidden")
    services.enrolment_create(
        learner=newcomer, course=release["programme"], cohort=release["cohort"]
    )
    assert record(client, release["open"][0]) == (200, None)


def test_leaving_shows_on_the_next_record(client, release):
    client.force_login(release["learner"])
    assert record(client, release["open"][0]) == (200, None)
    Enrolment.objects.filter(learner=release["learner"]).delete()
    assert record(client, release["open"][0]) == (403, "forbidden")


def test_moving_to_another_cohort_shows_on_the_next_record(client, release):
    client.force_login(release["learner"])
    assert record(client, release["closed"][0]) == (403, "not_open")
    earlier = factories.cohort(
        release["programme"],
        trainers=[release["trainer"]],
        start_date=timezone.localdate() - dt.timedelta(days=40),
    )
    enrolment = Enrolment.objects.get(learner=release["learner"])
    enrolment.cohort = earlier
    enrolment.save()
    assert record(client, release["closed"][0]) == (200, None)


def test_a_cohorts_new_start_date_shows_on_its_learners_next_record(client, release):
    client.force_login(release["learner"])
    assert record(client, release["open"][0]) == (200, None)
    assert record(client, release["closed"][0]) == (403, "not_open")
    cohort = release["cohort"]
    cohort.start_date = timezone.localdate() - dt.timedelta(days=40)
    cohort.save()
    assert record(client, release["closed"][0]) == (200, None)
    # Moved later: even the first module has not opened yet.
    cohort.start_date = timezone.localdate() + dt.timedelta(days=20)
    cohort.save()
    assert record(client, release["open"][0]) == (403, "not_open")


def test_a_modules_new_month_shows_on_the_next_record(client, release):
    client.force_login(release["learner"])
    assert record(client, release["closed"][0]) == (403, "not_open")
    module = ModulePage.objects.get(pk=release["closed"][0].get_parent().pk)
    module.month = 1
    module.save_revision().publish()
    assert record(client, release["closed"][0]) == (200, None)


def test_a_lesson_moved_out_of_the_course_or_deleted_is_refused_on_the_next_record(
    client, release, training
):
    client.force_login(release["learner"])
    moved, deleted = release["open"]
    assert record(client, moved) == (200, None)
    assert record(client, deleted) == (200, None)
    moved.move(training, pos="last-child")
    assert record(client, moved) == (403, "forbidden")
    LessonPage.objects.get(pk=deleted.pk).delete()
    assert record(client, deleted) == (403, "forbidden")


def test_a_module_opens_on_its_day_from_the_kept_answer_without_any_write(release):
    learner, closed = release["learner"], release["closed"][0]
    opens_on = selectors.add_months(release["cohort"].start_date, 1)
    before = record_access.page_access_kept(learner=learner, page_ids={closed.pk})
    assert before.opens_on == {closed.pk: opens_on}
    with CaptureQueriesContext(connection) as captured:
        on_the_day = record_access.page_access_kept(
            learner=learner, page_ids={closed.pk}, today=opens_on
        )
    assert not captured.captured_queries
    assert on_the_day.enrolled == {closed.pk}
    assert on_the_day.opens_on == {}


@pytest.mark.parametrize(
    "someone",
    [
        lambda release: factories.learner(),
        lambda release: factories.learner(code="kh"),
        lambda release: release["trainer"],
        lambda release: country_staff("vn"),
    ],
    ids=["learner-not-enrolled", "other-country", "cohort-trainer", "country-staff"],
)
def test_nobody_is_answered_from_another_persons_kept_access(client, release, someone):
    client.force_login(release["learner"])
    assert record(client, release["open"][0]) == (200, None)
    client.force_login(someone(release))
    assert record(client, release["open"][0]) == (403, "forbidden")
    client.logout()
    assert record(client, release["open"][0])[0] == 401
    assert Statement.objects.count() == 1


def test_the_store_down_still_decides_from_the_database(client, release, monkeypatch):
    def unavailable(*args, **kwargs):
        raise ConnectionError("the store is down")

    monkeypatch.setattr(caches["pages"], "get_many", unavailable)
    monkeypatch.setattr(caches["pages"], "set_many", unavailable)
    client.force_login(release["learner"])
    assert record(client, release["open"][0]) == (200, None)
    assert record(client, release["closed"][0]) == (403, "not_open")


def test_an_answer_kept_while_an_enrolment_was_being_written_is_void_once_it_commits(
    small_programme, django_capture_on_commit_callbacks
):
    """A request that read the rows before the enrolment committed keeps the old answer
    under the version it read; the version replaced again on commit voids it."""
    person = factories.learner()
    lesson = LessonPage.objects.descendant_of(small_programme).first()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.enrolment_create(learner=person, course=small_programme)
        # What a concurrent request computing now, from the rows before the commit,
        # would have kept.
        versions, _entry = record_access._versions(caches["pages"], person)
        caches["pages"].set(
            record_access.entry_key(person.pk),
            (versions, {lesson.pk: selectors.NOT_ENROLLED}),
        )
    access = record_access.page_access_kept(learner=person, page_ids={lesson.pk})
    assert access.enrolled == {lesson.pk}


def test_the_kept_answer_is_the_databases_for_any_pages_and_day(training, vietnamese):
    """Random pages of two courses, one taken in a cohort and one alone, a translation and
    pages outside courses, on random days: the kept answer and the direct one agree,
    whichever pages were asked before."""
    taken = factories.programme(training, modules=3, lessons=2, slug="taken")
    alone = factories.programme(training, modules=2, lessons=2, slug="alone")
    other = factories.programme(training, modules=2, lessons=1, slug="not-taken")
    person = factories.learner()
    cohort = factories.cohort(
        taken, trainers=[factories.trainer()], start_date=timezone.localdate() - dt.timedelta(40)
    )
    factories.enrol(taken, [person], cohort)
    services.enrolment_create(learner=person, course=alone)
    # Taken in English, recorded from the Vietnamese pages: the same course.
    taken.copy_for_translation(vietnamese, copy_parents=True).save_revision().publish()
    for page in taken.get_descendants().order_by("path"):
        page.specific.copy_for_translation(vietnamese).save_revision().publish()
    pages = [
        *LessonPage.objects.values_list("pk", flat=True),
        *ModulePage.objects.descendant_of(other).values_list("pk", flat=True),
        taken.pk,
        training.pk,
        999_999,
    ]
    rng = random.Random(14)
    for _ in range(30):
        asked = set(rng.sample(pages, rng.randint(1, 5)))
        today = timezone.localdate() + dt.timedelta(days=rng.randint(-10, 120))
        kept = record_access.page_access_kept(learner=person, page_ids=asked, today=today)
        assert kept == selectors.page_access(learner=person, page_ids=asked, today=today)
    assert Cohort.objects.count() == 1
