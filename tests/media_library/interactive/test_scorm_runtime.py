"""SCORM attempts and commits: attempts kept as history, resume of suspended attempts, batched
commits that never count twice, completion/success/score mapped to lms.records."""

import json

import pytest

from lms.records.models import Statement
from media_library.interactive.models import ScormAttempt
from tests.accounts.factories import UserFactory
from tests.first_request import forget_what_processes_keep
from tests.media_library.interactive.factories import interactive_page, scorm_package

pytestmark = pytest.mark.django_db


@pytest.fixture
def package():
    return scorm_package(scos=2)


@pytest.fixture
def lesson(home_page, package):
    return interactive_page(parent=home_page, scorm=[package])


@pytest.fixture
def learner(enrolments, lesson):
    person = UserFactory()
    enrolments.add(person, lesson)
    return person


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def open_attempt(client, package, lesson, *, restart=False, sco_index=0):
    sco = package.scos.all()[sco_index]
    response = post(
        client, f"/api/interactive/scorm/{sco.pk}/attempts?page={lesson.pk}", {"restart": restart}
    )
    assert response.status_code == 200, response.content
    return response.json()


def cmi_2004(**values):
    cmi = {
        "completion_status": "incomplete",
        "success_status": "unknown",
        "exit": "suspend",
        "suspend_data": "",
        "score": {"scaled": "", "raw": "", "min": "", "max": ""},
    }
    cmi.update(values)
    return cmi


def test_a_first_launch_starts_attempt_one(client, package, lesson, learner):
    client.force_login(learner)
    attempt = open_attempt(client, package, lesson)
    assert attempt["number"] == 1
    assert attempt["resumed"] is False


def test_a_suspended_attempt_resumes_with_its_suspend_data(client, package, lesson, learner):
    client.force_login(learner)
    attempt = open_attempt(client, package, lesson)
    post(
        client,
        attempt["commit_url"],
        {"sequence": 1, "cmi": cmi_2004(suspend_data='{"0":1}', location="q1")},
    )
    again = open_attempt(client, package, lesson)
    assert again["attempt"] == attempt["attempt"]
    assert again["resumed"] is True
    assert again["cmi"]["suspend_data"] == '{"0":1}'
    assert again["sequence"] == 1


def test_completion_success_and_score_become_statements_once(client, package, lesson, learner):
    client.force_login(learner)
    attempt = open_attempt(client, package, lesson)
    done = cmi_2004(
        completion_status="completed",
        success_status="passed",
        exit="normal",
        score={"scaled": "0.8", "raw": "4", "min": "0", "max": "5"},
    )
    first = post(client, attempt["commit_url"], {"sequence": 1, "cmi": done, "terminate": True})
    assert first.status_code == 200
    assert first.json()["stored"] == 2
    # The same commit again (a retry), and a later one with the same result: nothing new.
    assert post(client, attempt["commit_url"], {"sequence": 1, "cmi": done}).json()["stored"] == 0
    assert post(client, attempt["commit_url"], {"sequence": 2, "cmi": done}).json()["stored"] == 0
    verbs = set(Statement.objects.values_list("verb", flat=True))
    assert verbs == {
        "http://adlnet.gov/expapi/verbs/completed",
        "http://adlnet.gov/expapi/verbs/passed",
    }
    passed = Statement.objects.get(verb__endswith="passed")
    sco = package.scos.first()
    assert passed.activity == f"urn:betterwork:scorm:{package.uuid}/{sco.identifier}"
    assert passed.parent_activity == f"urn:betterwork:lesson:{lesson.pk}"
    assert passed.score_scaled == 0.8
    assert passed.score_raw == 4
    assert passed.success is True
    assert str(passed.registration) == attempt["attempt"]


def test_a_late_commit_does_not_overwrite_a_newer_one(client, package, lesson, learner):
    client.force_login(learner)
    attempt = open_attempt(client, package, lesson)
    post(client, attempt["commit_url"], {"sequence": 2, "cmi": cmi_2004(location="page-5")})
    post(client, attempt["commit_url"], {"sequence": 1, "cmi": cmi_2004(location="page-2")})
    assert ScormAttempt.objects.get().cmi["location"] == "page-5"


def test_a_finished_attempt_is_kept_and_a_new_launch_starts_attempt_two(
    client, package, lesson, learner
):
    client.force_login(learner)
    attempt = open_attempt(client, package, lesson)
    post(
        client,
        attempt["commit_url"],
        {
            "sequence": 1,
            "cmi": cmi_2004(completion_status="completed", exit="normal"),
            "terminate": True,
        },
    )
    second = open_attempt(client, package, lesson)
    assert second["number"] == 2
    assert second["resumed"] is False
    assert ScormAttempt.objects.filter(learner=learner).count() == 2


def test_start_again_begins_a_new_attempt_and_keeps_the_old(client, package, lesson, learner):
    client.force_login(learner)
    first = open_attempt(client, package, lesson)
    retake = open_attempt(client, package, lesson, restart=True)
    assert retake["number"] == 2
    assert retake["attempt"] != first["attempt"]
    assert ScormAttempt.objects.filter(learner=learner).count() == 2


def test_scorm_12_lesson_status_and_score_map_to_records(client, home_page, enrolments):
    package = scorm_package(version="1.2", title="One two")
    lesson = interactive_page(parent=home_page, scorm=[package], title="Lesson 1.2")
    learner = UserFactory()
    enrolments.add(learner, lesson)
    client.force_login(learner)
    attempt = open_attempt(client, package, lesson)
    cmi = {
        "core": {
            "lesson_status": "failed",
            "score": {"raw": "30", "min": "0", "max": "100"},
            "exit": "",
        }
    }
    assert post(client, attempt["commit_url"], {"sequence": 1, "cmi": cmi}).json()["stored"] == 2
    failed = Statement.objects.get(verb__endswith="failed")
    assert failed.score_scaled == pytest.approx(0.3)
    assert failed.success is False


def test_a_learner_who_is_not_enrolled_cannot_start(client, package, lesson, enrolments):
    client.force_login(UserFactory())
    sco = package.scos.first()
    response = post(client, f"/api/interactive/scorm/{sco.pk}/attempts?page={lesson.pk}")
    assert response.status_code == 403


def test_nobody_commits_into_someone_elses_attempt(client, package, lesson, learner, enrolments):
    client.force_login(learner)
    attempt = open_attempt(client, package, lesson)
    intruder = UserFactory()
    enrolments.add(intruder, lesson)
    client.force_login(intruder)
    response = post(client, attempt["commit_url"], {"sequence": 5, "cmi": cmi_2004()})
    assert response.status_code == 400
    assert response.json()["error"] == "not_found"
    assert ScormAttempt.objects.get().commit_sequence == 0


def test_bad_commits_are_answered_with_a_reason(client, package, lesson, learner):
    client.force_login(learner)
    attempt = open_attempt(client, package, lesson)
    assert post(client, attempt["commit_url"], {"sequence": 0, "cmi": {}}).status_code == 400
    assert post(client, attempt["commit_url"], {"sequence": 1, "cmi": "x"}).status_code == 400
    huge = {"sequence": 1, "cmi": cmi_2004(suspend_data="x" * 70000)}
    assert post(client, attempt["commit_url"], huge).status_code == 400


# A learner's commit that stores a statement, on a process's first request (what each
# process keeps forgotten) and on the next: the session and the person; the attempt with its
# SCO, package and page, and whether the page still embeds the package (one query); the
# courses access check, which reads the page's course and the learner's enrolment once and
# keeps the answer for the record store and the completion receiver (1); the attempt's
# conditional update in its savepoint (3); the insert in its own (3).
COMMIT_QUERIES = 10


def test_a_commit_takes_ten_queries_at_most_at_two_sizes(
    client, home_page, package, enrolments, django_assert_max_num_queries
):
    counts = {}
    for other_lessons in (1, 10):
        for number in range(other_lessons):
            interactive_page(
                parent=home_page, scorm=[package], title=f"Lesson {other_lessons}.{number}"
            )
        lesson = interactive_page(
            parent=home_page, scorm=[package], title=f"The lesson {other_lessons}"
        )
        learner = UserFactory()
        enrolments.add(learner, lesson)
        client.force_login(learner)
        attempt = open_attempt(client, package, lesson)
        completed = cmi_2004(completion_status="completed")
        passed = cmi_2004(
            completion_status="completed", success_status="passed", score={"scaled": "1"}
        )
        forget_what_processes_keep()
        for request, sequence, cmi in (("first", 1, completed), ("next", 2, passed)):
            with django_assert_max_num_queries(COMMIT_QUERIES) as captured:
                response = post(client, attempt["commit_url"], {"sequence": sequence, "cmi": cmi})
            assert response.json()["stored"] == 1
            counts[request, other_lessons] = len(captured)
    assert Statement.objects.count() == 4
    assert counts["first", 1] == counts["first", 10], counts
    assert counts["next", 1] == counts["next", 10], counts


def test_the_block_shows_the_latest_attempt_and_the_history(client, package, lesson, learner):
    client.force_login(learner)
    first = open_attempt(client, package, lesson)
    done = cmi_2004(
        completion_status="completed",
        success_status="failed",
        exit="normal",
        score={"scaled": "0.4"},
    )
    post(client, first["commit_url"], {"sequence": 1, "cmi": done, "terminate": True})
    open_attempt(client, package, lesson)
    html = client.get(lesson.url).content.decode()
    assert "Attempt 2" in html
    assert "Earlier attempts" in html
    assert "not passed yet · 40%" in html
    assert "Start again" in html
