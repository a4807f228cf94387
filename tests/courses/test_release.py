"""Monthly release and the learning-record store: a module that has not opened for a
learner (their cohort's start plus the module's month) is hidden from them on the course
page, and the statement endpoint refuses records about it with the day it opens (403,
``not_open``), whole batches included, in a fixed number of queries."""

import datetime as dt
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override

from courses import selectors, services
from courses.models import LessonPage
from lms.records.activities import activity_id
from lms.records.models import Statement
from tests.accounts.factories import country_staff, global_admin
from tests.courses import factories

pytestmark = pytest.mark.django_db

URL = "/api/records/statements"


def lesson_statement(lesson, verb="experienced"):
    return factories.statement(activity_id("lesson", lesson.pk), verb)


def test_a_learner_cannot_post_a_knowledge_check_answer_the_server_marks(client, release):
    """Knowledge checks are marked on the server from the answer (issue 16): a learner
    posting "passed" for a question is refused, and nothing is stored."""
    client.force_login(release["learner"])
    response = post(client, question_statement(release["open"][1]))
    assert response.status_code == 403
    assert response.json()["error"] == "server_scored"
    assert not Statement.objects.exists()


def question_statement(lesson):
    block_id = lesson.knowledge_check_ids[0]
    return factories.statement(
        activity_id("question", f"{lesson.pk}.{block_id}"),
        "passed",
        parent=activity_id("lesson", lesson.pk),
        result={"success": True},
    )


def post(client, payload, **headers):
    return client.post(URL, json.dumps(payload), content_type="application/json", **headers)


def test_a_record_about_an_open_module_is_stored(client, release):
    client.force_login(release["learner"])
    response = post(
        client,
        [lesson_statement(release["open"][0]), lesson_statement(release["open"][1], "completed")],
    )
    assert response.status_code == 200
    assert response.json()["stored"] == 2


def test_a_record_about_a_module_not_open_yet_is_refused_with_the_day_it_opens(client, release):
    client.force_login(release["learner"])
    closed = release["closed"][0]
    for payload in (lesson_statement(closed), lesson_statement(closed, "completed")):
        response = post(client, payload)
        assert response.status_code == 403
        body = response.json()
        assert body["error"] == "not_open"
        assert body["index"] == 0
        assert (
            f"opens for you on {date_format(release['opens_on'], 'DATE_FORMAT')}" in body["detail"]
        )
    assert not Statement.objects.exists()


def test_the_reason_is_in_the_learners_language(client, release):
    learner = release["learner"]
    learner.preferred_language = "vi"
    learner.save(update_fields=["preferred_language"])
    client.force_login(learner)
    response = post(client, lesson_statement(release["closed"][0]))
    with override("vi"):
        day = date_format(release["opens_on"], "DATE_FORMAT")
    detail = response.json()["detail"]
    assert day in detail
    assert "opens for you" not in detail


def test_a_batch_mixing_open_and_closed_modules_is_refused_whole(client, release):
    """As every refusal of the endpoint: nothing is stored, ``index`` names the first
    refused statement, and the client may send the rest again on its own."""
    client.force_login(release["learner"])
    good = lesson_statement(release["open"][0])
    batch = [good, lesson_statement(release["closed"][0]), lesson_statement(release["closed"][1])]
    response = post(client, batch)
    assert response.status_code == 403
    body = response.json()
    assert body["index"] == 1
    for lesson in release["closed"]:
        assert f"lesson:{lesson.pk}" in body["detail"]
    assert not Statement.objects.exists()
    assert post(client, [good]).json()["stored"] == 1


def test_a_refused_statement_is_stored_once_the_module_opens_and_only_once(client, release):
    client.force_login(release["learner"])
    later = lesson_statement(release["closed"][0], "completed")
    assert post(client, later).status_code == 403
    cohort = release["cohort"]
    cohort.start_date = timezone.localdate() - dt.timedelta(days=40)
    cohort.save()
    assert post(client, later).json()["stored"] == 1
    assert post(client, later).json()["stored"] == 0
    progress = selectors.progress_for_course(
        learner=release["learner"], course=release["cohort"].course
    )
    assert progress.lessons_done == {release["closed"][0].pk}


def test_a_result_with_a_closed_lesson_as_parent_is_refused(client, release):
    """An H5P, SCORM or video statement names its lesson as parent, and a completed one
    completes the lesson: it may not open a module early."""
    client.force_login(release["learner"])
    closed = activity_id("lesson", release["closed"][0].pk)
    inside = factories.statement(activity_id("lesson", release["open"][0].pk), parent=closed)
    response = post(client, inside)
    assert response.status_code == 403
    assert response.json()["error"] == "not_open"
    assert not Statement.objects.exists()


def test_the_finish_form_of_a_closed_lesson_says_when_it_opens(client, release):
    client.force_login(release["learner"])
    lesson = release["closed"][0]
    response = client.post(
        reverse("courses:lesson_complete", args=[lesson.pk]),
        {"token": str(uuid.uuid4())},
        follow=True,
    )
    assert "opens for you on" in response.content.decode()
    assert not Statement.objects.exists()


def test_a_learner_who_enrolled_alone_follows_their_enrolment_day(client, small_programme):
    person = factories.learner()
    services.enrolment_create(learner=person, course=small_programme)
    client.force_login(person)
    lessons = list(LessonPage.objects.descendant_of(small_programme).order_by("path"))
    assert post(client, lesson_statement(lessons[0])).status_code == 200
    assert post(client, lesson_statement(lessons[-1])).json()["error"] == "not_open"


@pytest.mark.parametrize(
    "previewer",
    [
        lambda release: release["trainer"],
        lambda release: country_staff("vn"),
        lambda release: global_admin(),
    ],
    ids=["cohort-trainer", "country-staff", "global-staff"],
)
def test_people_previewing_a_course_they_do_not_take_record_nothing_and_learn_why(
    client, release, previewer
):
    """Trainers and staff read every module ahead (the lesson page sends nothing for them);
    a record they send anyway is refused because they do not take the course, open module
    or not: the release follows a learner's own enrolment."""
    client.force_login(previewer(release))
    for lesson in (release["open"][0], release["closed"][0]):
        assert "data-record-url" not in client.get(lesson.url).content.decode()
        response = post(client, lesson_statement(lesson))
        assert response.status_code == 403
        assert response.json()["error"] == "forbidden"
    assert not Statement.objects.exists()


def test_anonymous_visitors_are_asked_to_sign_in(client, release):
    assert post(client, lesson_statement(release["closed"][0])).status_code == 401


@pytest.mark.parametrize("size", [1, 50])
@pytest.mark.parametrize("which", ["closed", "mixed"])
def test_refusing_a_batch_costs_the_same_queries_whatever_its_size(
    client, release, size, which, django_assert_max_num_queries
):
    lessons = release["closed"] if which == "closed" else release["closed"] + release["open"]
    batch = [lesson_statement(lessons[n % len(lessons)]) for n in range(size)]
    client.force_login(release["learner"])
    client.get("/robots.txt")
    # session and user, the lesson kind's three (pages, their course and module ancestors,
    # the enrolment), then, refused, the stored-ids lookup (writes insert first and look
    # stored ids up only on a collision or a refusal).
    with django_assert_max_num_queries(7):
        response = post(client, batch)
    assert response.status_code == 403
