"""A signed-in learner's course and lesson pages kept per session (lms/learner_page_cache.py,
decision 0608): served again only to the same session, with valid CSRF tokens and a fresh
form token, never with messages, and every write that changes what they show seen on the
learner's next request."""

import datetime as dt
import json
import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from courses import services
from courses.models import Attendance, Enrolment, LessonPage
from courses.notifications import ENROLMENT
from courses.offline import offline_results_sync
from courses.progression.models import CoursePrerequisite, PrerequisiteOverride
from lms import learner_page_cache
from lms.learner_page_cache import HIT_HEADER
from lms.notifications.services import notification_send, notifications_mark_read
from lms.records.activities import activity_id
from tests.accounts.factories import UserFactory
from tests.courses import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("learner_pages_kept")]


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


def kept(client, url):
    """The page once it is served from the kept copy (the first answer sets the CSRF
    cookie, the second is kept, the third comes from the cache)."""
    for _attempt in range(3):
        response = fetch(client, url)
        if response.get(HIT_HEADER) == "hit":
            return response.content.decode()
    raise AssertionError(f"{url} was never served from the learner page cache")


def fresh(client, url) -> str:
    """The next answer, which must have been rendered afresh."""
    response = fetch(client, url)
    assert response.get(HIT_HEADER) != "hit"
    return response.content.decode()


def first_lesson(course):
    return LessonPage.objects.descendant_of(course).order_by("path").first()


@pytest.fixture
def person_in_course(client, small_programme):
    person = factories.learner()
    factories.enrolled_long_ago(small_programme, person)
    client.force_login(person)
    return person


# --- what is served, and to whom ---------------------------------------------------------


def test_a_learners_lesson_is_served_again_private_and_in_few_queries(
    client, small_programme, person_in_course, django_assert_max_num_queries
):
    lesson = first_lesson(small_programme)
    kept(client, lesson.url)
    with django_assert_max_num_queries(3):  # session, person, and nothing of the page
        response = fetch(client, lesson.url)
    assert response[HIT_HEADER] == "hit"
    assert "I have finished this lesson" in response.content.decode()
    cache_control = response["Cache-Control"]
    assert "private" in cache_control
    assert "no-store" in cache_control
    assert "Cookie" in response["Vary"]


@pytest.mark.parametrize("modules", [2, 8])
def test_kept_pages_cost_the_same_queries_whatever_the_course_size(
    client, training, modules, django_assert_max_num_queries
):
    course = factories.programme(training, modules=modules, lessons=3)
    person = factories.learner()
    factories.enrolled_long_ago(course, person)
    client.force_login(person)
    for url in (course.url, first_lesson(course).url):
        kept(client, url)
        with django_assert_max_num_queries(3):
            assert fetch(client, url)[HIT_HEADER] == "hit"


def test_the_csrf_token_in_a_kept_page_is_valid_and_each_answer_gets_its_own_form_token(
    small_programme,
):
    person = factories.learner()
    factories.enrolled_long_ago(small_programme, person)
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    lesson = first_lesson(small_programme)
    first = kept(client, lesson.url)
    second = kept(client, lesson.url)
    token_of = re.compile(r'name="token" value="([0-9a-f-]{36})"')
    assert token_of.findall(first)
    assert token_of.findall(first) != token_of.findall(second)
    assert learner_page_cache.FORM_ID_PLACEHOLDER not in second
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', second).group(1)
    response = client.post(
        reverse("courses:lesson_complete", args=[lesson.pk]),
        {"csrfmiddlewaretoken": csrf, "token": token_of.findall(second)[0]},
    )
    assert response.status_code == 302
    assert "You completed this lesson." in fresh(client, lesson.url)


def test_another_person_or_a_new_session_never_gets_the_kept_page(client, small_programme):
    first = factories.learner()
    factories.enrolled_long_ago(small_programme, first)
    client.force_login(first)
    assert "% done" in kept(client, small_programme.url)
    other = factories.learner()
    client.force_login(other)  # the same browser, another person
    page = fresh(client, small_programme.url)
    assert "% done" not in page
    assert "Enrol in this course" in page
    client.logout()
    client.force_login(first)  # the first person again, in a new session
    assert "% done" in fresh(client, small_programme.url)


def test_messages_are_never_kept(client, small_programme, person_in_course):
    lesson = first_lesson(small_programme)
    kept(client, lesson.url)
    client.post(reverse("courses:lesson_complete", args=[lesson.pk]), {"token": str(uuid.uuid4())})
    with_message = fresh(client, lesson.url)
    assert "Lesson completed." in with_message
    assert "Lesson completed." not in kept(client, lesson.url)


def test_staff_and_anonymous_visitors_get_no_kept_page(client, small_programme):
    anonymous = fetch(client, small_programme.url)
    assert "private" not in anonymous.get("Cache-Control", "")  # the public page cache's
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    for _attempt in range(3):
        assert fetch(client, small_programme.url).get(HIT_HEADER) is None


# --- every write the pages show, on the next request ---------------------------------------


def test_a_statement_sent_to_the_record_store_shows_on_the_next_request(
    client, small_programme, person_in_course
):
    lesson = first_lesson(small_programme)
    assert "You completed this lesson." not in kept(client, lesson.url)
    response = client.post(
        "/api/records/statements",
        json.dumps(factories.statement(activity_id("lesson", lesson.pk), "completed")),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert "You completed this lesson." in fresh(client, lesson.url)


def test_results_synced_from_a_phone_show_on_the_next_request(
    client, small_programme, person_in_course
):
    lesson = first_lesson(small_programme)
    kept(client, lesson.url)
    offline_results_sync(
        learner=person_in_course,
        items=[{"id": str(uuid.uuid4()), "kind": "lesson", "lesson": lesson.pk}],
    )
    assert "You completed this lesson." in fresh(client, lesson.url)


def test_enrolling_and_leaving_show_on_the_next_request(client, small_programme):
    person = factories.learner()
    client.force_login(person)
    assert "Enrol in this course" in kept(client, small_programme.url)
    services.enrolment_create(learner=person, course=small_programme)
    assert "% done" in fresh(client, small_programme.url)
    kept(client, small_programme.url)
    Enrolment.objects.filter(learner=person).delete()
    assert "Enrol in this course" in fresh(client, small_programme.url)


def test_a_completion_recorded_by_an_update_shows_on_the_next_request(
    client, small_programme, person_in_course
):
    kept(client, small_programme.url)
    for lesson in LessonPage.objects.descendant_of(small_programme):
        services.lesson_complete(learner=person_in_course, lesson=lesson, form_token=uuid.uuid4())
    assert Enrolment.objects.get(learner=person_in_course).completed_at is not None
    kept(client, small_programme.url)
    Enrolment.objects.filter(learner=person_in_course).update(completed_at=None)
    services.completion_evaluate(learner=person_in_course, course=small_programme)
    assert "Completed on" in fresh(client, small_programme.url)


def test_cohort_class_sessions_and_attendance_show_on_the_next_request(client, training):
    course = factories.seminar(training, lessons=1, complete_attendance_percent=50)
    trainer = factories.trainer()
    cohort = factories.cohort(course, trainers=[trainer])
    person = factories.learner()
    client.force_login(person)
    kept(client, course.url)
    factories.enrol(course, [person], cohort=cohort)
    assert f"Your class: {cohort.name}" in fresh(client, course.url)
    kept(client, course.url)
    cohort.name = "The renamed class"
    cohort.save()
    assert "Your class: The renamed class" in fresh(client, course.url)
    kept(client, course.url)
    session = factories.session(cohort, title="Fire drill practice")
    assert "Fire drill practice" in fresh(client, course.url)
    before = kept(client, course.url)
    services.attendance_mark(session=session, learner=person, present=True, marked_by=trainer)
    assert Attendance.objects.filter(learner=person, present=True).exists()
    assert fresh(client, course.url) != before


def test_a_kept_course_page_ends_when_a_listed_class_session_does(client, training):
    course = factories.seminar(training, lessons=1)
    cohort = factories.cohort(course, trainers=[factories.trainer()])
    factories.session(cohort, title="Ending soon")  # began 10 minutes ago, ends in 3 hours
    person = factories.learner()
    client.force_login(person)
    assert "Ending soon" in kept(client, course.url)
    with freeze_time(timezone.now() + dt.timedelta(hours=4)):
        assert "Ending soon" not in fresh(client, course.url)


def test_prerequisites_met_or_waived_show_on_the_next_request(client, training):
    basics = factories.seminar(training, title="OSH basics", lessons=1)
    advanced = factories.seminar(training, title="OSH committees", lessons=1)
    CoursePrerequisite.objects.create(course=advanced, required=basics)
    person = factories.learner()
    client.force_login(person)
    lesson = first_lesson(advanced)
    assert "OSH basics" in kept(client, lesson.url)
    PrerequisiteOverride.objects.create(
        course=advanced, learner=person, granted_by=factories.trainer(), note="Done elsewhere"
    )
    assert "Complete these courses first" not in fresh(client, lesson.url)


def test_a_new_prerequisite_shows_on_the_next_request(client, training):
    basics = factories.seminar(training, title="OSH basics", lessons=1)
    advanced = factories.seminar(training, title="OSH committees", lessons=1)
    person = factories.learner()
    client.force_login(person)
    lesson = first_lesson(advanced)
    assert "OSH basics" not in kept(client, lesson.url)
    CoursePrerequisite.objects.create(course=advanced, required=basics)
    assert "OSH basics" in fresh(client, lesson.url)


def test_a_new_notice_and_notices_read_show_on_the_next_request(
    client, small_programme, person_in_course, django_capture_on_commit_callbacks
):
    assert "unread-count" not in kept(client, small_programme.url)
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(
            recipient=person_in_course,
            kind=ENROLMENT,
            key="another-course",
            params={"course_id": small_programme.pk},
        )
    assert "unread-count" in fresh(client, small_programme.url)
    kept(client, small_programme.url)
    with django_capture_on_commit_callbacks(execute=True):
        notifications_mark_read(user=person_in_course)
    # The page kept before the notice is the right one again.
    assert "unread-count" not in fetch(client, small_programme.url).content.decode()


def test_a_profile_change_shows_on_the_next_request(client, small_programme, person_in_course):
    kept(client, small_programme.url)
    person_in_course.preferred_language = "vi"
    person_in_course.save()
    fresh(client, small_programme.url)


@pytest.mark.parametrize(
    "label",
    [
        "courses.Submission",
        "certification.Certificate",
        "interactive.H5PState",
        "interactive.ScormAttempt",
        "interactive.Cmi5Registration",
    ],
)
def test_every_learner_state_model_names_a_person_it_concerns(label, settings):
    """Each listed model's writes are followed (the attributes exist on the model)."""
    from django.apps import apps

    model = apps.get_model(label)
    for item in settings.LEARNER_STATE_MODELS[label]:
        scope, _, path = item.partition(":")
        assert scope in {"learner", "organisation"}
        field = path.split(".")[0]
        assert field in {f.attname for f in model._meta.concrete_fields} | {"pk"}


def test_a_teams_submission_voids_the_pages_of_everyone_in_the_organisation():
    keys = [learner_page_cache.organisation_key(41), learner_page_cache.learner_key(42)]
    before = learner_page_cache.current_versions(keys)
    learner_page_cache.learning_state_changed(organisation_ids=[41])
    after = learner_page_cache.current_versions(keys)
    assert after[0] != before[0]
    assert after[1] == before[1]


def test_losing_a_group_that_opens_a_restricted_course_is_seen_on_the_next_request(
    client, small_programme, person_in_course
):
    """A kept page is served before Wagtail checks view restrictions: every way of losing
    access voids it (a group emptied, a group deleted, a group taken off the restriction)."""
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    url = small_programme.url
    restriction = PageViewRestriction.objects.create(
        page=small_programme, restriction_type=PageViewRestriction.GROUPS
    )
    for losing in ("clear", "delete", "restriction"):
        group = Group.objects.create(name=f"Committee {losing}")
        group.user_set.add(person_in_course)
        restriction.groups.add(group)
        kept(client, url)
        if losing == "clear":
            group.user_set.clear()
        elif losing == "delete":
            group.delete()
        else:
            restriction.groups.remove(group)
        answer = client.get(url)
        assert answer.get(HIT_HEADER) != "hit", losing
        assert answer.status_code != 200, losing
        restriction.groups.clear()


def test_a_teammates_new_name_voids_the_organisations_pages_but_a_sign_in_does_not():
    from tests.accounts.factories import OrganisationFactory

    teammate = factories.learner(organisation=OrganisationFactory())
    keys = [learner_page_cache.organisation_key(teammate.organisation_id)]
    before = learner_page_cache.current_versions(keys)
    teammate.last_login = timezone.now()
    teammate.save(update_fields=["last_login"])
    assert learner_page_cache.current_versions(keys) == before
    teammate.display_name = "Trần Thị Mai"
    teammate.save(update_fields=["display_name"])
    assert learner_page_cache.current_versions(keys) != before


def test_an_erasure_that_rewrote_other_rows_voids_everyones_kept_pages():
    from lms.privacy.erasure import person_erase
    from tests.accounts.factories import OrganisationFactory

    organisation = OrganisationFactory()
    person = factories.learner(organisation=organisation, display_name="Lê Văn Tâm")
    factories.learner(organisation=organisation, display_name="Lê Văn Tâm's teammate")
    keys = [learner_page_cache.DELIVERY_KEY]
    before = learner_page_cache.current_versions(keys)
    report = person_erase(person=person, pseudonym="erased-1c9e")
    assert report  # the teammate's name held the erased one
    assert learner_page_cache.current_versions(keys) != before


# --- one round trip for the versions and the entry (decision 0038) -----------------------


class _CountingStore:
    """The pages store, counting the reads a request makes."""

    def __init__(self, store):
        self.store, self.reads = store, []

    def __getattr__(self, name):
        attribute = getattr(self.store, name)
        if name in {"get", "get_many"}:

            def counted(*args, **kwargs):
                self.reads.append(name)
                return attribute(*args, **kwargs)

            return counted
        return attribute


def test_a_kept_page_is_read_with_its_versions_in_one_round_trip(
    client, small_programme, person_in_course, monkeypatch
):
    lesson = first_lesson(small_programme)
    kept(client, lesson.url)
    store = _CountingStore(learner_page_cache._cache())
    monkeypatch.setattr(learner_page_cache, "_cache", lambda: store)
    assert fetch(client, lesson.url)[HIT_HEADER] == "hit"
    assert store.reads == ["get_many"]


def test_a_page_rendered_again_after_a_write_replaces_the_entry_it_voided(
    client, small_programme, person_in_course
):
    from django.core.cache import caches

    lesson = first_lesson(small_programme)
    kept(client, lesson.url)
    entries = [k for k in caches["pages"]._cache if learner_page_cache.ENTRY_PREFIX in k]
    learner_page_cache.learning_state_changed(learner_ids=[person_in_course.pk])
    fresh(client, lesson.url)
    assert fetch(client, lesson.url)[HIT_HEADER] == "hit"
    after = [k for k in caches["pages"]._cache if learner_page_cache.ENTRY_PREFIX in k]
    assert after == entries  # the same key, holding the page rendered under the new version


def test_statements_stored_in_the_outermost_block_replace_the_version_once_on_commit(
    client, small_programme, person_in_course, monkeypatch, django_capture_on_commit_callbacks
):
    """The record store's block is the outermost one for every statement sent to the API
    (in a test, the test's own transaction encloses it): the learner's version is then
    replaced once, when it commits, and the kept page is void after that."""
    from django.db import transaction

    lesson = first_lesson(small_programme)
    kept(client, lesson.url)
    replaced = []
    real_replace = learner_page_cache._replace_versions
    monkeypatch.setattr(
        learner_page_cache,
        "_replace_versions",
        lambda keys: (replaced.append(set(keys)), real_replace(keys)),
    )
    connection = transaction.get_connection()
    with django_capture_on_commit_callbacks(execute=True):
        with monkeypatch.context() as outermost:
            outermost.setattr(connection, "atomic_blocks", connection.atomic_blocks[-1:])
            learner_page_cache._on_statements_recorded(sender=None, actor=person_in_course)
        assert replaced == []  # nothing before the commit
    assert replaced == [{learner_page_cache.learner_key(person_in_course.pk)}]
    fresh(client, lesson.url)


def test_statements_stored_inside_an_enclosing_transaction_void_the_page_at_once(
    client, small_programme, person_in_course, django_capture_on_commit_callbacks
):
    from django.db import transaction

    lesson = first_lesson(small_programme)
    kept(client, lesson.url)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():  # the store's own block, inside the test's
            learner_page_cache._on_statements_recorded(sender=None, actor=person_in_course)
        fresh(client, lesson.url)  # the enclosing transaction goes on: void already
    assert len(callbacks) == 1  # and once more when it commits
