"""cmi5 courses, from the cmi5 specification (Quartz): the package (sections 13-14), the
launch (8.1) and its fetch URL (8.2), the LMS.LaunchData State document (10), the statement
rules (9.3), sessions, abandoned, waived and satisfied, moveOn."""

import base64
import json
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from lms.records.models import LaunchCredential, Statement, XapiDocument
from media_library.interactive.archives import PackageInvalid
from media_library.interactive.cmi5_models import Cmi5AuProgress, Cmi5Registration, Cmi5Session
from media_library.interactive.cmi5_services import (
    ABANDONED,
    CATEGORY_CMI5,
    LAUNCHED,
    SATISFIED,
    SESSION_EXT,
    WAIVED,
    cmi5_au_waive,
    cmi5_package_check,
)
from tests.accounts.factories import UserFactory
from tests.first_request import forget_what_processes_keep
from tests.media_library.interactive.cmi5_builder import (
    AU_HTML,
    cmi5_bytes,
    cmi5_files,
    cmi5_package,
    cmi5_page,
    cmi5_xml,
)

pytestmark = pytest.mark.django_db

V1 = {"HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}
VERB = "http://adlnet.gov/expapi/verbs/"


@pytest.fixture
def package():
    return cmi5_package()


@pytest.fixture
def lesson(home_page, package):
    return cmi5_page(parent=home_page, package=package)


@pytest.fixture
def learner(enrolments, lesson):
    person = UserFactory()
    enrolments.add(person, lesson)
    return person


@pytest.fixture
def browser(learner):
    client = Client()
    client.force_login(learner)
    return client


class Unit:
    """What a launched AU knows: its launch parameters, and its token once fetched."""

    def __init__(self, url):
        query = parse_qs(urlsplit(url).query)
        self.url = url
        self.endpoint = query["endpoint"][0]
        self.fetch = query["fetch"][0]
        self.actor = json.loads(query["actor"][0])
        self.registration = query["registration"][0]
        self.activity_id = query["activityId"][0]
        self.client = Client()
        self.token = ""
        self.launch_data = None

    def fetch_token(self):
        response = self.client.post(urlsplit(self.fetch).path)
        self.token = response.json().get("auth-token", "")
        return response

    @property
    def headers(self):
        return {"HTTP_AUTHORIZATION": f"Basic {self.token}", **V1}

    def state_url(self, state_id="LMS.LaunchData", activity_id=None):
        from urllib.parse import urlencode

        return "/xapi/activities/state?" + urlencode(
            {
                "activityId": activity_id or self.activity_id,
                "agent": json.dumps(self.actor),
                "registration": self.registration,
                "stateId": state_id,
            }
        )

    def read_launch_data(self):
        response = self.client.get(self.state_url(), **self.headers)
        assert response.status_code == 200, response.content
        self.launch_data = response.json()
        return self.launch_data

    def statement(self, verb, result=None, *, defined=True, **changes):
        context = json.loads(json.dumps(self.launch_data["contextTemplate"]))
        context["registration"] = self.registration
        if defined:
            context["contextActivities"]["category"] = [{"id": CATEGORY_CMI5}]
        statement = {
            "id": str(uuid.uuid4()),
            "actor": self.actor,
            "verb": {"id": verb if verb.startswith("http") else VERB + verb},
            "object": {"id": self.activity_id, "objectType": "Activity"},
            "context": context,
        }
        if result is not None:
            statement["result"] = result
        statement.update(changes)
        return statement

    def send(self, statement):
        return self.client.post(
            "/xapi/statements",
            json.dumps(statement),
            content_type="application/json",
            **self.headers,
        )

    def start(self):
        assert self.fetch_token().status_code == 200
        self.read_launch_data()
        return self


def launch(browser, package, lesson, index=0):
    au = package.aus.all()[index]
    response = browser.post(f"/en/watch/interactive/cmi5/{au.pk}/launch/?page={lesson.pk}")
    assert response.status_code == 200, response.content[:500]
    return Unit(response.context["launch"].url)


# --- the package -----------------------------------------------------------------------


def check(files):
    return cmi5_package_check(ContentFile(cmi5_bytes(files), name="course.zip"))


@pytest.mark.parametrize(
    "change",
    [
        "no-structure",
        "outside-url",
        "missing-file",
        "bad-move-on",
        "mastery-out-of-range",
        "entities",
        "wrong-root",
        "no-au",
    ],
)
def test_a_package_that_is_not_a_valid_cmi5_course_is_refused_with_a_reason(change):
    au = {"id": "https://example.org/au/1", "title": "One", "url": "index.html"}
    files = cmi5_files()
    if change == "no-structure":
        del files["cmi5.xml"]
    elif change == "outside-url":
        files["cmi5.xml"] = cmi5_xml(aus=[{**au, "url": "https://elsewhere.example/au.html"}])
    elif change == "missing-file":
        files["cmi5.xml"] = cmi5_xml(aus=[{**au, "url": "missing.html"}])
    elif change == "bad-move-on":
        files["cmi5.xml"] = cmi5_xml(aus=[{**au, "moveOn": "Whenever"}])
    elif change == "mastery-out-of-range":
        files["cmi5.xml"] = cmi5_xml(aus=[{**au, "masteryScore": "80"}])
    elif change == "entities":
        files["cmi5.xml"] = (
            '<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x "boom">]>'
            '<courseStructure><course id="c"/><au id="a"><title>&x;</title>'
            "<url>index.html</url></au></courseStructure>"
        )
    elif change == "wrong-root":
        files["cmi5.xml"] = "<manifest/>"
    elif change == "no-au":
        files["cmi5.xml"] = cmi5_xml(aus=[])
    with pytest.raises(PackageInvalid) as refused:
        check(files)
    assert refused.value.messages


def test_processing_reads_the_aus_in_order_with_move_on_mastery_and_blocks():
    package = cmi5_package(
        aus=[{"id": "https://example.org/au/intro", "title": "Intro", "url": "index.html"}],
        blocks=[
            (
                "https://example.org/block/1",
                [
                    {
                        "id": "https://example.org/au/quiz",
                        "title": "Quiz",
                        "url": "index.html?part=2",
                        "moveOn": "Passed",
                        "masteryScore": "0.75",
                    }
                ],
            )
        ],
    )
    assert package.is_ready, package.status_message
    intro, quiz = package.aus.all()
    assert (intro.title, intro.move_on, intro.blocks) == ("Intro", "NotApplicable", [])
    assert (quiz.url, quiz.move_on, quiz.mastery_score) == ("index.html?part=2", "Passed", 0.75)
    assert quiz.blocks == ["https://example.org/block/1"]
    assert package.course_id == "https://example.org/courses/hours"


# --- launch and fetch ------------------------------------------------------------------


def test_a_launch_gives_the_five_parameters_and_writes_launch_data_and_launched(
    browser, package, lesson, learner
):
    unit = launch(browser, package, lesson)
    au = package.aus.get()
    assert unit.endpoint == "http://testserver/xapi/"
    assert unit.actor == {
        "objectType": "Agent",
        "account": {"homePage": "http://testserver", "name": str(learner.pk)},
    }
    assert unit.activity_id != au.publisher_id
    registration = Cmi5Registration.objects.get(learner=learner)
    assert unit.registration == str(registration.registration)
    document = XapiDocument.objects.get(document_id="LMS.LaunchData")
    data = json.loads(bytes(document.content))
    session = Cmi5Session.objects.get()
    assert data["launchMode"] == "Normal"
    assert data["moveOn"] == "CompletedAndPassed"
    assert data["masteryScore"] == 0.8
    assert data["returnURL"].endswith(lesson.url)
    assert data["contextTemplate"]["extensions"][SESSION_EXT] == str(session.session_id)
    assert data["contextTemplate"]["contextActivities"]["grouping"] == [{"id": au.publisher_id}]
    launched = Statement.objects.get(verb=LAUNCHED)
    assert launched.activity == unit.activity_id
    assert str(launched.registration) == unit.registration


def test_the_fetch_url_answers_a_token_once_then_an_error(browser, package, lesson):
    unit = launch(browser, package, lesson)
    first = unit.fetch_token()
    assert first.status_code == 200
    assert first["Content-Type"] == "application/json"
    assert unit.token
    second = unit.client.post(urlsplit(unit.fetch).path)
    assert second.status_code == 200
    assert second.json()["error-code"] == "1"
    assert unit.client.get(urlsplit(unit.fetch).path).status_code == 405
    unknown = unit.client.post("/xapi/launch/not-a-key/fetch")
    assert unknown.json()["error-code"] == "2"
    # The token is an HTTP Basic credential.
    assert ":" in base64.b64decode(unit.token).decode()


def test_an_anonymous_or_unenrolled_person_cannot_launch(client, package, lesson):
    au = package.aus.get()
    address = f"/en/watch/interactive/cmi5/{au.pk}/launch/?page={lesson.pk}"
    assert client.post(address).status_code == 302  # to sign in
    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.post(address).status_code == 403
    assert stranger.get(address).status_code == 405
    assert not LaunchCredential.objects.exists()


def test_the_token_reads_launch_data_of_its_own_activity_only_and_cannot_change_it(
    browser, package, lesson
):
    unit = launch(browser, package, lesson).start()
    assert unit.launch_data["launchMode"] == "Normal"
    other = unit.client.get(unit.state_url(activity_id="https://example.org/other"), **unit.headers)
    assert other.status_code == 403
    overwrite = unit.client.put(
        unit.state_url(), json.dumps({"launchMode": "Review"}), "application/json", **unit.headers
    )
    assert overwrite.status_code == 400
    # Its own State documents (a bookmark) it may keep.
    bookmark = unit.client.put(
        unit.state_url("bookmark"), b"slide-3", content_type="text/plain", **unit.headers
    )
    assert bookmark.status_code == 204
    wrong = {**unit.headers, "HTTP_AUTHORIZATION": "Basic bm90OnZhbGlk"}
    assert unit.client.get(unit.state_url(), **wrong).status_code == 401


def test_cors_lets_the_sandboxed_unit_call_the_lrs(browser, package, lesson):
    unit = launch(browser, package, lesson).start()
    preflight = unit.client.options("/xapi/statements", HTTP_ORIGIN="null")
    assert preflight.status_code == 204
    # Any origin may call (credentials are the Authorization header, never a cookie): the
    # sandboxed frame's opaque origin is named back, or "*".
    assert preflight["Access-Control-Allow-Origin"] in ("*", "null")
    assert "Authorization" in preflight["Access-Control-Allow-Headers"]
    assert (
        "ETag" in unit.client.get(unit.state_url(), **unit.headers)["Access-Control-Expose-Headers"]
    )


# --- the statement rules ---------------------------------------------------------------


def test_the_whole_sequence_satisfies_the_au_and_the_course(browser, package, lesson, learner):
    unit = launch(browser, package, lesson).start()
    for verb, result in (
        ("initialized", None),
        ("completed", {"completion": True}),
        ("passed", {"success": True, "score": {"scaled": 0.9}}),
        ("terminated", None),
    ):
        response = unit.send(unit.statement(verb, result))
        assert response.status_code == 200, (verb, response.content)
    session = Cmi5Session.objects.get()
    assert session.initialized
    assert session.terminated
    progress = Cmi5AuProgress.objects.get()
    assert progress.completed
    assert progress.passed
    assert progress.satisfied
    satisfied = Statement.objects.get(verb=SATISFIED)
    assert satisfied.activity.endswith("/course")
    assert satisfied.data["context"]["extensions"][SESSION_EXT] == str(session.session_id)
    assert Cmi5Registration.objects.get().satisfied == ["course"]
    # After terminated, nothing more for this session.
    late = unit.send(unit.statement("experienced", defined=False))
    assert late.status_code == 400


def test_the_first_statement_must_be_initialized(browser, package, lesson):
    unit = launch(browser, package, lesson).start()
    response = unit.send(unit.statement("completed", {"completion": True}))
    assert response.status_code == 400
    assert unit.send(unit.statement("initialized")).status_code == 200
    assert unit.send(unit.statement("initialized")).status_code == 400


def test_a_retried_statement_is_stored_once_and_not_judged_again(browser, package, lesson):
    unit = launch(browser, package, lesson).start()
    initialized = unit.statement("initialized")
    assert unit.send(initialized).status_code == 200
    assert unit.send(initialized).status_code == 200
    assert Statement.objects.filter(id=initialized["id"]).count() == 1


def test_completed_and_passed_count_once_per_registration(browser, package, lesson):
    unit = launch(browser, package, lesson).start()
    unit.send(unit.statement("initialized"))
    assert unit.send(unit.statement("completed", {"completion": True})).status_code == 200
    assert unit.send(unit.statement("completed", {"completion": True})).status_code == 400
    assert unit.send(unit.statement("terminated")).status_code == 200
    again = launch(browser, package, lesson).start()
    again.send(again.statement("initialized"))
    assert again.send(again.statement("completed", {"completion": True})).status_code == 400
    assert again.send(again.statement("passed", {"score": {"scaled": 0.9}})).status_code == 200
    third = launch(browser, package, lesson).start()
    third.send(third.statement("initialized"))
    assert third.send(third.statement("passed", {"score": {"scaled": 0.95}})).status_code == 400
    assert third.send(third.statement("failed", {"score": {"scaled": 0.1}})).status_code == 400


def test_scores_must_sit_on_the_right_side_of_the_mastery_score(browser, package, lesson):
    unit = launch(browser, package, lesson).start()
    unit.send(unit.statement("initialized"))
    assert unit.send(unit.statement("passed", {"score": {"scaled": 0.5}})).status_code == 400
    assert unit.send(unit.statement("failed", {"score": {"scaled": 0.9}})).status_code == 400
    assert unit.send(unit.statement("failed", {"score": {"scaled": 0.5}})).status_code == 200
    # Only one of passed and failed in a session.
    assert unit.send(unit.statement("passed", {"score": {"scaled": 0.9}})).status_code == 400


def test_the_lms_verbs_are_refused_from_the_unit(browser, package, lesson):
    unit = launch(browser, package, lesson).start()
    unit.send(unit.statement("initialized"))
    for verb in (LAUNCHED, ABANDONED, WAIVED, SATISFIED):
        assert unit.send(unit.statement(verb)).status_code == 403


def test_registration_and_session_id_must_be_the_launchs(browser, package, lesson):
    unit = launch(browser, package, lesson).start()
    wrong_registration = unit.statement("initialized")
    wrong_registration["context"]["registration"] = str(uuid.uuid4())
    assert unit.send(wrong_registration).status_code == 400
    wrong_session = unit.statement("initialized")
    wrong_session["context"]["extensions"][SESSION_EXT] = str(uuid.uuid4())
    assert unit.send(wrong_session).status_code == 400
    other_object = unit.statement("initialized")
    other_object["object"]["id"] = "urn:betterwork:cmi5:" + str(uuid.uuid4()) + "/au1"
    assert unit.send(other_object).status_code == 403


def test_cmi5_statements_without_a_launch_token_are_refused(browser, package, lesson, learner):
    unit = launch(browser, package, lesson).start()
    statement = unit.statement("initialized")
    by_session = browser.post(
        "/api/records/statements", json.dumps(statement), content_type="application/json"
    )
    assert by_session.status_code == 403
    assert by_session.json()["error"] == "cmi5_launch_only"


def test_a_new_launch_abandons_the_open_session_once(browser, package, lesson):
    first = launch(browser, package, lesson).start()
    first.send(first.statement("initialized"))
    second = launch(browser, package, lesson).start()
    sessions = Cmi5Session.objects.order_by("launched_at")
    assert [s.abandoned for s in sessions] == [True, False]
    abandoned = Statement.objects.get(verb=ABANDONED)
    assert abandoned.data["context"]["extensions"][SESSION_EXT] == str(sessions[0].session_id)
    # The abandoned session's token no longer works; the new one does.
    assert first.send(first.statement("terminated")).status_code == 401
    assert second.send(second.statement("initialized")).status_code == 200
    launch(browser, package, lesson)
    assert Statement.objects.filter(verb=ABANDONED).count() == 2  # one per session


def test_a_waived_au_is_recorded_once_with_its_reason_and_meets_move_on(package, lesson, learner):
    au = package.aus.get()
    assert cmi5_au_waive(learner=learner, au=au, page=lesson, reason="Tested") is True
    assert cmi5_au_waive(learner=learner, au=au, page=lesson, reason="Tested") is False
    waived = Statement.objects.get(verb=WAIVED)
    assert waived.data["result"]["extensions"] == {
        "https://w3id.org/xapi/cmi5/result/extensions/reason": "Tested"
    }
    assert Statement.objects.filter(verb=SATISFIED).count() == 1


def test_a_block_is_satisfied_when_all_its_aus_meet_move_on(home_page, enrolments):
    package = cmi5_package(
        aus=[
            {
                "id": "https://example.org/au/outside",
                "title": "Outside",
                "url": "index.html",
                "moveOn": "Completed",
            }
        ],
        blocks=[
            (
                "https://example.org/block/b",
                [
                    {
                        "id": "https://example.org/au/b1",
                        "title": "B1",
                        "url": "index.html",
                        "moveOn": "Completed",
                    },
                    {"id": "https://example.org/au/b2", "title": "B2", "url": "index.html"},
                ],
            )
        ],
    )
    lesson = cmi5_page(parent=home_page, package=package, title="Blocks")
    learner = UserFactory()
    enrolments.add(learner, lesson)
    browser = Client()
    browser.force_login(learner)
    unit = launch(browser, package, lesson, index=1).start()
    unit.send(unit.statement("initialized"))
    unit.send(unit.statement("completed", {"completion": True}))
    satisfied = list(Statement.objects.filter(verb=SATISFIED).values_list("activity", flat=True))
    assert len(satisfied) == 1
    assert "/block-" in satisfied[0]
    unit.send(unit.statement("terminated"))
    outside = launch(browser, package, lesson, index=0).start()
    outside.send(outside.statement("initialized"))
    outside.send(outside.statement("completed", {"completion": True}))
    satisfied = set(Statement.objects.filter(verb=SATISFIED).values_list("activity", flat=True))
    assert len(satisfied) == 2
    assert any(a.endswith("/course") for a in satisfied)


def test_the_lesson_page_lists_the_units_with_a_launch_form(browser, lesson, package):
    response = browser.get(lesson.url)
    html = response.content.decode()
    assert "Working hours" in html
    assert f"/en/watch/interactive/cmi5/{package.aus.get().pk}/launch/?page={lesson.pk}" in html
    assert "csrfmiddlewaretoken" in html


# A statement a launched unit sends, on a process's first request (what each process keeps
# forgotten): the launch credential with its person; the cmi5 rules: which of the batch's
# ids are stored, the session with its unit's progress (2); the store's authorisation: the
# package, the pages embedding it, the courses access check for each (3); the insert of the
# statement and of what it names in a savepoint (4). Issue 14: 14 before.
STATEMENT_QUERIES = 10


def test_a_statement_costs_the_same_whatever_came_before(
    browser, package, lesson, django_assert_max_num_queries
):
    counts = []
    for statements_before in (0, 6):
        unit = launch(browser, package, lesson).start()
        unit.send(unit.statement("initialized"))
        for _index in range(statements_before):
            unit.send(unit.statement("experienced", defined=False))
        forget_what_processes_keep()
        with django_assert_max_num_queries(STATEMENT_QUERIES) as captured:
            response = unit.send(unit.statement("experienced", defined=False))
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_the_au_page_is_served_sandboxed_from_the_package(browser, package, lesson):
    unit = launch(browser, package, lesson)
    response = Client().get(urlsplit(unit.url).path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == AU_HTML.encode()
    assert "sandbox" in response["Content-Security-Policy"]
