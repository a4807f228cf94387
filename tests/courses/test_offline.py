"""Learning offline (issue 23): the manifest of a kept course or module, its answer key, the
sync of results queued on a phone, and the byte budgets of a kept module."""

import datetime as dt
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from bench.scenarios.offline import KEPT_MODULE_BUDGET, PAGE_SHELL_BUDGET, kept_weight
from courses import services
from courses.models import CoursePage, Enrolment, LessonPage, ModulePage
from lms.records.models import Statement
from tests.accounts.factories import country_staff
from tests.courses import factories
from tests.first_request import forget_what_processes_keep

pytestmark = pytest.mark.django_db


def _manifest_url(page):
    return reverse("courses_api:offline_manifest", args=[page.pk])


def _sync(client, items):
    return client.post(
        reverse("courses_api:offline_sync"),
        data=json.dumps({"items": items}),
        content_type="application/json",
    )


@pytest.fixture
def enrolled(small_programme):
    person = factories.learner()
    factories.enrolled_long_ago(small_programme, person)
    return person


def _lessons(course):
    return list(LessonPage.objects.descendant_of(course).live().order_by("path"))


# --- the manifest --------------------------------------------------------------------------


def test_a_module_manifest_lists_its_pages_assets_sizes_and_hashes(
    client, small_programme, enrolled
):
    module = ModulePage.objects.child_of(small_programme).order_by("path").first()
    client.force_login(enrolled)
    response = client.get(_manifest_url(module))
    assert response.status_code == 200
    data = response.json()
    urls = [item["url"] for item in data["items"]]
    lessons = _lessons(module)
    assert small_programme.url in urls
    assert module.url in urls
    assert all(lesson.url in urls for lesson in lessons)
    # Only this module's lessons, not the next module's.
    other = ModulePage.objects.child_of(small_programme).order_by("path").last()
    assert not any(lesson.url in urls for lesson in _lessons(other))
    assert "/static/js/courses/offline-learn.js" in urls
    assert reverse("courses:offline_kept") in urls
    assert all(item["bytes"] > 0 and len(item["hash"]) == 16 for item in data["items"])
    assert data["bytes"] == sum(item["bytes"] for item in data["items"])
    assert data["cache"] == f"bw-course-{small_programme.pk}"
    assert len(set(urls)) == len(urls)
    # No answer key unless the course allows checking answers on the phone.
    assert data["local_scoring"] is False
    assert not any(item["kind"] == "answers" for item in data["items"])


def test_a_changed_lesson_changes_only_its_own_hash(client, small_programme, enrolled):
    client.force_login(enrolled)
    before = {
        i["url"]: i["hash"] for i in client.get(_manifest_url(small_programme)).json()["items"]
    }
    lesson = _lessons(small_programme)[0]
    lesson.title = "Lesson 1.1, revised"
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    after = {
        i["url"]: i["hash"] for i in client.get(_manifest_url(small_programme)).json()["items"]
    }
    changed = {url for url in after if before.get(url) != after[url]}
    assert changed == {lesson.url}


def test_the_course_manifest_keeps_the_test_pages_and_the_answer_key_where_allowed(
    client, training
):
    course = factories.seminar(training, offline_scoring=True)
    person = factories.learner()
    services.enrolment_create(learner=person, course=course)
    client.force_login(person)
    data = client.get(_manifest_url(course)).json()
    urls = [item["url"] for item in data["items"]]
    assert reverse("courses:test", args=[course.pk, "pre"]) in urls
    answers_url = reverse("courses_api:offline_answers", args=[course.pk])
    assert answers_url in urls
    key = client.get(answers_url).json()
    lesson = _lessons(course)[0]
    check = key["checks"][str(lesson.pk)][lesson.knowledge_check_ids[0]]
    assert check["correct"] == [0]
    assert check["answers"] == ["The employer"]
    assert len(key["tests"]) == 3


def test_the_answer_key_is_refused_where_the_course_checks_answers_itself(
    client, small_programme, enrolled
):
    client.force_login(enrolled)
    response = client.get(reverse("courses_api:offline_answers", args=[small_programme.pk]))
    assert response.status_code == 403


def test_only_enrolled_learners_get_a_manifest_of_published_content(
    client, small_programme, enrolled
):
    url = _manifest_url(small_programme)
    assert client.get(url).status_code == 401
    client.force_login(factories.learner())
    assert client.get(url).status_code == 403
    # Staff of another country (or this one) are not enrolled either.
    client.force_login(country_staff("kh"))
    assert client.get(url).status_code == 403
    client.force_login(enrolled)
    lesson = _lessons(small_programme)[0]
    assert client.get(_manifest_url(lesson)).status_code == 410  # a lesson is not a course
    small_programme.unpublish()
    assert client.get(url).status_code == 410


def test_the_manifest_query_count_does_not_grow_with_the_course(
    client, training, django_assert_max_num_queries
):
    person = factories.learner()
    client.force_login(person)
    counts = []
    for modules, lessons in ((3, 2), (12, 5)):
        course = factories.programme(training, modules=modules, lessons=lessons)
        services.enrolment_create(learner=person, course=course)
        client.get(_manifest_url(course))  # warm what each process keeps
        with django_assert_max_num_queries(10) as captured:
            response = client.get(_manifest_url(course))
        items = response.json()["items"]
        assert len([i for i in items if i["kind"] == "lesson"]) == modules * lessons
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- sync ------------------------------------------------------------------------------------


def test_queued_results_are_stored_once_however_often_they_are_sent(
    client, small_programme, enrolled
):
    lesson = _lessons(small_programme)[0]
    block = lesson.knowledge_check_ids[0]
    items = [
        {"id": str(uuid.uuid4()), "kind": "lesson", "lesson": lesson.pk},
        {
            "id": str(uuid.uuid4()),
            "kind": "check",
            "lesson": lesson.pk,
            "block": block,
            "choice": 0,
        },
    ]
    client.force_login(enrolled)
    first = _sync(client, items).json()["results"]
    assert [r["status"] for r in first] == ["stored", "stored"]
    assert first[1]["correct"] is True
    again = _sync(client, items).json()["results"]
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert Statement.objects.filter(actor=enrolled).count() == 2
    done, passed = services.selectors.lesson_state(learner=enrolled, lesson_id=lesson.pk)
    assert done
    assert passed == {block}


# A batch of lesson completions: the session and the person; the lessons with their locale;
# the learner's record access for them, read with their paths and kept (1); the insert in
# its savepoint (3); the completion receiver: the learner's enrolment with its course (1),
# the course's structure (2, once per process and content generation), their progress
# statements (1). A course whose completion counts attendance or submissions reads them
# too (one query each). Sent again whole: authorised from the kept access, the insert
# collides, the stored ids are read.
SYNC_QUERIES = 10


def test_the_sync_query_count_does_not_grow_with_the_lessons_sent(
    client, training, django_assert_max_num_queries
):
    """Issue 14 part 2 for an API batch: at most 10 queries for 4 lessons as for 12, sent
    for the first time on a process's first request (what each process keeps forgotten),
    sent again, and sent by another learner after it."""
    course = factories.programme(training, modules=4, lessons=4)
    lessons = _lessons(course)
    counts = {}
    for size in (4, 12):
        forget_what_processes_keep()
        for request in ("first", "next"):
            person = factories.learner()
            factories.enrolled_long_ago(course, person)
            client.force_login(person)
            items = [
                {"id": str(uuid.uuid4()), "kind": "lesson", "lesson": lesson.pk}
                for lesson in lessons[:size]
            ]
            with django_assert_max_num_queries(SYNC_QUERIES) as captured:
                response = _sync(client, items)
            assert [r["status"] for r in response.json()["results"]] == ["stored"] * size
            counts[request, size] = len(captured)
            with django_assert_max_num_queries(SYNC_QUERIES) as captured:
                response = _sync(client, items)  # the phone never heard back
            assert [r["status"] for r in response.json()["results"]] == ["duplicate"] * size
            assert Statement.objects.filter(actor=person).count() == size
            counts[request, "again", size] = len(captured)
    for request in ("first", "next"):
        assert counts[request, 4] == counts[request, 12], counts
        assert counts[request, "again", 4] == counts[request, "again", 12], counts


def test_a_batch_partly_sent_before_stores_only_the_rest_and_completes_the_course(client, training):
    course = factories.programme(training, modules=2, lessons=3)
    lessons = _lessons(course)
    person = factories.learner()
    factories.enrolled_long_ago(course, person)
    client.force_login(person)
    items = [{"id": str(uuid.uuid4()), "kind": "lesson", "lesson": lesson.pk} for lesson in lessons]
    _sync(client, items[:4])
    assert Enrolment.objects.get(learner=person).completed_at is None
    response = _sync(client, items)
    assert [r["status"] for r in response.json()["results"]] == ["duplicate"] * 4 + ["stored"] * 2
    assert Statement.objects.filter(actor=person).count() == len(lessons)
    assert Enrolment.objects.get(learner=person).completed_at is not None


def test_a_refused_result_comes_back_with_its_reason_and_the_others_are_stored(
    client, small_programme
):
    person = factories.learner()
    cohort = factories.cohort(small_programme, trainers=[factories.trainer()])
    factories.enrol(small_programme, [person], cohort)
    first, *_rest, closed = _lessons(small_programme)  # module 2 opens next month
    items = [
        {"id": str(uuid.uuid4()), "kind": "lesson", "lesson": first.pk},
        {"id": str(uuid.uuid4()), "kind": "lesson", "lesson": closed.pk},
        {"id": "not-a-uuid-but-fine-later", "kind": "lesson", "lesson": first.pk},
    ]
    client.force_login(person)
    response = _sync(client, items)
    assert response.status_code == 400  # every result needs a UUID: the batch is malformed
    response = _sync(client, items[:2])
    assert response.status_code == 200
    stored, refused = response.json()["results"]
    assert stored["status"] == "stored"
    assert refused["status"] == "refused"
    assert refused["code"] == "not_open"
    assert "opens for you on" in refused["reason"]
    assert Statement.objects.filter(actor=person).count() == 1


def test_each_lesson_of_a_batch_is_authorised_on_its_own(client, training):
    mine = factories.programme(training, modules=1, lessons=3)
    other = factories.programme(training, modules=1, lessons=1)
    person = factories.learner()
    factories.enrolled_long_ago(mine, person)
    first, second, unpublished = _lessons(mine)
    unpublished.unpublish()
    items = [
        {"id": str(uuid.uuid4()), "kind": "lesson", "lesson": lesson.pk}
        for lesson in (first, _lessons(other)[0], unpublished, second)
    ]
    client.force_login(person)
    results = _sync(client, items).json()["results"]
    assert [r["status"] for r in results] == ["stored", "refused", "refused", "stored"]
    assert "not enrolled" in results[1]["reason"]
    assert results[2]["reason"] == "This lesson is no longer published."
    assert Statement.objects.filter(actor=person).count() == 2


def test_a_test_taken_offline_is_scored_by_the_site(client, training):
    course = factories.seminar(training, questions=2)
    person = factories.learner()
    services.enrolment_create(learner=person, course=course)
    course = CoursePage.objects.get(pk=course.pk).specific
    answers = {block.id: 0 for block in course.test_questions}
    client.force_login(person)
    item = {"id": str(uuid.uuid4()), "kind": "test", "course": course.pk, "phase": "pre"}
    (result,) = _sync(client, [{**item, "answers": answers}]).json()["results"]
    assert result == {"id": item["id"], "status": "stored", "score": 2, "out_of": 2}
    # Sent again (the phone never heard back): no second pre-test, no refusal.
    (again,) = _sync(client, [{**item, "answers": answers}]).json()["results"]
    assert again["status"] == "duplicate"


def test_sync_refuses_unknown_kinds_and_anonymous_people(client, small_programme, enrolled):
    item = {"id": str(uuid.uuid4()), "kind": "certificate"}
    assert _sync(client, [item]).status_code == 401
    client.force_login(enrolled)
    (result,) = _sync(client, [item]).json()["results"]
    assert result["status"] == "refused"
    assert result["code"] == "invalid"
    response = client.post(
        reverse("courses_api:offline_sync"), data="{", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_json"


def test_a_learner_not_enrolled_has_results_refused(client, small_programme):
    lesson = _lessons(small_programme)[0]
    client.force_login(factories.learner())
    item = {"id": str(uuid.uuid4()), "kind": "lesson", "lesson": lesson.pk}
    (result,) = _sync(client, [item]).json()["results"]
    assert result["status"] == "refused"
    assert "not enrolled" in result["reason"]


# --- pages and weights -----------------------------------------------------------------------


def test_the_kept_offline_page_needs_a_sign_in(client, enrolled):
    url = reverse("courses:offline_kept")
    assert client.get(url).status_code == 302
    client.force_login(enrolled)
    response = client.get(url)
    assert response.status_code == 200
    assert "data-kept-list" in response.content.decode()


def test_the_course_page_offers_to_keep_the_course_and_each_module(
    client, small_programme, enrolled
):
    client.force_login(enrolled)
    html = client.get(small_programme.url).content.decode()
    assert html.count("data-keep-offline") == 3  # the course and its two modules
    assert _manifest_url(small_programme) in html


def test_a_kept_module_and_the_page_shell_stay_within_their_byte_budgets(client, training):
    course = factories.programme(training, modules=1, lessons=6, checks=2)
    person = factories.learner()
    services.enrolment_create(learner=person, course=course)
    client.force_login(person)
    module = ModulePage.objects.child_of(course).first()
    manifest = client.get(_manifest_url(module)).json()
    weight = kept_weight(client, manifest)
    assert 0 < weight["shell_bytes"] <= PAGE_SHELL_BUDGET
    assert weight["shell_bytes"] < weight["kept_bytes"] <= KEPT_MODULE_BUDGET
    # The manifest's estimate of a lesson page is within a factor of two of the real page.
    lesson = next(i for i in manifest["items"] if i["kind"] == "lesson")
    real = len(client.get(lesson["url"]).content)
    assert real / 2 <= lesson["bytes"] <= real * 2


def test_a_module_that_has_not_opened_can_still_be_kept_to_read_ahead(client, small_programme):
    person = factories.learner()
    cohort = factories.cohort(
        small_programme,
        trainers=[factories.trainer()],
        start_date=timezone.localdate() + dt.timedelta(days=3),
    )
    factories.enrol(small_programme, [person], cohort)
    assert Enrolment.objects.filter(learner=person).exists()
    client.force_login(person)
    module = ModulePage.objects.child_of(small_programme).order_by("path").last()
    assert client.get(_manifest_url(module)).status_code == 200
