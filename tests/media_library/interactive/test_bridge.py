"""The H5P results bridge: statements from the player reach lms.records with the real learner
as actor and the page as parent; non-enrolled learners and forged actors are refused;
resume state is kept; a retried request never counts twice; queries stay constant."""

import json
import uuid

import pytest

from lms.records.models import Statement
from media_library.interactive.access import learner_may_record
from media_library.interactive.models import H5PState
from tests.accounts.factories import UserFactory, global_admin
from tests.first_request import forget_what_processes_keep
from tests.media_library.interactive.factories import h5p_content, interactive_page

pytestmark = pytest.mark.django_db

ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


@pytest.fixture
def content():
    return h5p_content()


@pytest.fixture
def lesson(home_page, content):
    return interactive_page(parent=home_page, h5p=[content])


@pytest.fixture
def learner(enrolments, lesson):
    person = UserFactory(roles=["worker"])
    enrolments.add(person, lesson)
    return person


def statement(content, *, verb=COMPLETED, actor=None, sub=None, statement_id=None, score=0.5):
    object_id = f"http://127.0.0.1/whatever?subContentId={sub}" if sub else "http://127.0.0.1/x"
    body = {
        "id": statement_id or str(uuid.uuid4()),
        "verb": {"id": verb, "display": {"en-US": "completed"}},
        "object": {"id": object_id, "definition": {"name": {"en-US": content.title}}},
        "result": {
            "score": {"min": 0, "max": 2, "raw": 1, "scaled": score},
            "success": score >= 0.5,
            "completion": True,
        },
    }
    if actor is not None:
        body["actor"] = actor
    return body


def actor_of(user):
    return {
        "objectType": "Agent",
        "account": {"homePage": "http://testserver", "name": str(user.pk)},
    }


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def statements_url(content, page):
    return f"/api/interactive/h5p/{content.uuid}/statements?page={page.pk}"


def test_a_completion_reaches_the_store_as_the_learner_with_the_lesson_as_parent(
    client, content, lesson, learner
):
    client.force_login(learner)
    response = post(
        client, statements_url(content, lesson), [statement(content, actor=actor_of(learner))]
    )
    assert response.status_code == 200, response.content
    stored = Statement.objects.get()
    assert stored.actor == learner
    assert stored.activity == f"urn:betterwork:h5p:{content.uuid}"
    assert stored.parent_activity == f"urn:betterwork:lesson:{lesson.pk}"
    assert stored.verb == COMPLETED
    assert stored.score_scaled == 0.5
    assert stored.success is True
    assert stored.completion is True


def test_a_sub_question_gets_its_own_activity_under_the_content(client, content, lesson, learner):
    client.force_login(learner)
    post(client, statements_url(content, lesson), [statement(content, verb=ANSWERED, sub="q-1")])
    assert Statement.objects.get().activity == f"urn:betterwork:h5p:{content.uuid}/q-1"


def test_a_learner_who_is_not_enrolled_is_refused(client, content, lesson, enrolments):
    client.force_login(UserFactory(roles=["worker"]))
    response = post(client, statements_url(content, lesson), [statement(content)])
    assert response.status_code == 403
    assert "Enrol" in response.json()["detail"]
    assert not Statement.objects.exists()


def test_a_forged_actor_is_refused(client, content, lesson, learner):
    someone_else = UserFactory()
    client.force_login(learner)
    response = post(
        client, statements_url(content, lesson), [statement(content, actor=actor_of(someone_else))]
    )
    assert response.status_code == 403
    assert not Statement.objects.exists()


def test_anonymous_visitors_are_asked_to_sign_in(client, content, lesson):
    response = post(client, statements_url(content, lesson), [statement(content)])
    assert response.status_code == 401


def test_a_page_that_does_not_embed_the_content_is_refused(
    client, home_page, content, learner, enrolments
):
    other = interactive_page(parent=home_page, title="Other page")
    enrolments.add(learner, other)
    client.force_login(learner)
    response = post(client, statements_url(content, other), [statement(content)])
    assert response.status_code == 403
    assert "does not contain" in response.json()["detail"]


def test_without_an_access_check_only_staff_may_record(content, lesson):
    worker = UserFactory(roles=["worker"])
    assert learner_may_record(user=worker, package=content, page=lesson) is False
    assert learner_may_record(user=global_admin(), package=content, page=lesson) is True


def test_verbs_other_than_results_are_refused(client, content, lesson, learner):
    client.force_login(learner)
    response = post(
        client,
        statements_url(content, lesson),
        [statement(content, verb="http://adlnet.gov/expapi/verbs/interacted")],
    )
    assert response.status_code == 400
    assert "not recorded for H5P" in response.json()["detail"]


def test_bad_input_is_answered_with_a_reason(client, content, lesson, learner):
    client.force_login(learner)
    bad_json = client.post(statements_url(content, lesson), "{", content_type="application/json")
    assert bad_json.status_code == 400
    assert bad_json.json()["error"] == "invalid_json"
    no_page = post(client, f"/api/interactive/h5p/{content.uuid}/statements", [statement(content)])
    assert no_page.status_code == 400
    no_id = statement(content)
    del no_id["id"]
    assert post(client, statements_url(content, lesson), [no_id]).status_code == 400


def test_a_retried_request_is_stored_once(client, content, lesson, learner):
    client.force_login(learner)
    body = [statement(content, statement_id=str(uuid.uuid4()))]
    first = post(client, statements_url(content, lesson), body)
    second = post(client, statements_url(content, lesson), body)
    assert first.json()["stored"] == 1
    assert second.json()["stored"] == 0
    assert Statement.objects.count() == 1


def test_the_generic_records_endpoint_also_asks_the_access_check(
    client, content, lesson, enrolments
):
    outsider = UserFactory()
    client.force_login(outsider)
    body = {
        "id": str(uuid.uuid4()),
        "verb": {"id": COMPLETED},
        "object": {"id": f"urn:betterwork:h5p:{content.uuid}"},
    }
    assert post(client, "/api/records/statements", body).status_code == 403
    enrolments.add(outsider, lesson)
    assert post(client, "/api/records/statements", body).status_code == 200


def test_resume_state_is_saved_and_given_back_to_the_player(client, content, lesson, learner):
    client.force_login(learner)
    state = json.dumps({"answers": {"0": 1}, "checked": False})
    url = f"/api/interactive/h5p/{content.uuid}/state?page={lesson.pk}"
    assert post(client, url, {"state": state}).status_code == 200
    assert post(client, url, {"state": state}).status_code == 200
    assert H5PState.objects.get(learner=learner).state == state
    page_html = client.get(lesson.url).content.decode()
    assert "data-state=" in page_html
    assert "&quot;answers&quot;" in page_html


def test_resume_state_must_be_json_text(client, content, lesson, learner):
    client.force_login(learner)
    url = f"/api/interactive/h5p/{content.uuid}/state?page={lesson.pk}"
    assert post(client, url, {"state": "{not json"}).status_code == 400
    assert post(client, url, {"state": "x" * 70000}).status_code == 400


def test_posting_a_completion_takes_ten_queries_at_most_at_two_sizes(
    client, home_page, content, enrolments, django_assert_max_num_queries
):
    """With one other lesson and with twelve: a learner's first result on a process's first
    request (what each process keeps forgotten), then their next result."""
    learner = UserFactory()
    client.force_login(learner)
    client.get("/robots.txt")  # settle the session
    first_counts, next_counts = [], []
    for other_lessons in (1, 12):
        for number in range(other_lessons):
            interactive_page(
                parent=home_page, h5p=[content], title=f"Lesson {other_lessons}.{number}"
            )
        lesson = interactive_page(
            parent=home_page, h5p=[content], title=f"The lesson {other_lessons}"
        )
        enrolments.add(learner, lesson)
        forget_what_processes_keep()
        for budget, counts in (
            (FIRST_RESULT_QUERIES, first_counts),
            (NEXT_RESULT_QUERIES, next_counts),
        ):
            with django_assert_max_num_queries(budget) as captured:
                response = post(
                    client,
                    statements_url(content, lesson),
                    [statement(content, actor=actor_of(learner))],
                )
            assert response.status_code == 200
            counts.append(len(captured))
    assert first_counts[0] == first_counts[1]
    assert next_counts[0] == next_counts[1]


# The first result: the session and the person; the page with its locale; the exercise and
# whether the page embeds it (one query); the courses access check, which reads the page's
# course and the learner's enrolment once and keeps the answer for the record store (the
# lesson as the results' parent) and the completion receiver (1); the insert in its
# savepoint (3). The lesson's parent id costs nothing in the default language. Issue 14: 13,
# then 12 before (not on a process's first request).
FIRST_RESULT_QUERIES = 8
# The next result finds the learner's record access kept.
NEXT_RESULT_QUERIES = 7
