"""Decision 0630: a statement sent with a session reads the session and the learner's kept
record access in one round trip to the store (Redis), once the process knows the session;
a statement no kept page reads ("experienced") leaves the learner's page version alone.
Sessions, authorisation, revocation and idempotency as before."""

import json
import uuid

import pytest
import redis.client
from django.conf import settings as django_settings
from django.core.cache import caches

from courses import record_access
from courses.models import Enrolment, LessonPage
from lms import learner_page_cache
from lms.accounts import sessions
from lms.records.activities import activity_id
from lms.records.models import Statement
from tests.courses import factories

pytestmark = pytest.mark.django_db

URL = "/api/records/statements"
ON_REDIS = "django_redis" in django_settings.CACHES["default"]["BACKEND"]


@pytest.fixture
def cache_sessions(settings):
    """Sessions in the cache, as in production; on Redis (the services run) the page
    cache's store in the same Redis, as in production."""
    settings.SESSION_ENGINE = "lms.accounts.sessions"
    if ON_REDIS:
        settings.CACHES = {
            **settings.CACHES,
            "pages": {**settings.CACHES["default"], "KEY_PREFIX": f"t-{uuid.uuid4().hex[:8]}"},
        }
    sessions._PERSON_OF_SESSION.clear()
    yield
    sessions._PERSON_OF_SESSION.clear()


@pytest.fixture
def lesson(home_page):
    course = factories.programme(factories.section(home_page), modules=1, lessons=2)
    return course, LessonPage.objects.descendant_of(course).order_by("path").first()


@pytest.fixture
def person(client, cache_sessions, lesson):
    person = factories.learner()
    factories.enrolled_long_ago(lesson[0], person)
    client.force_login(person)
    return person


def statement(lesson, verb="experienced", statement_id=None):
    return {
        "id": statement_id or str(uuid.uuid4()),
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
        "object": {"id": activity_id("lesson", lesson.pk)},
    }


def post(client, payload):
    return client.post(URL, json.dumps(payload), content_type="application/json")


class Reads:
    """The page cache's store as record access and the learner page cache use it, counting
    calls by name."""

    def __init__(self, store):
        self.store, self.calls = store, []

    def __getattr__(self, name):
        attribute = getattr(self.store, name)
        if name in {"get", "get_many", "set", "set_many", "add", "delete"}:

            def counted(*args, **kwargs):
                self.calls.append(name)
                return attribute(*args, **kwargs)

            return counted
        return attribute


@pytest.fixture
def store_calls(monkeypatch):
    def install():
        reads = Reads(caches["pages"])
        monkeypatch.setattr(record_access, "_cache", lambda: reads)
        monkeypatch.setattr(learner_page_cache, "_cache", lambda: reads)
        return reads.calls

    return install


def test_the_second_statement_reads_the_access_with_the_session(
    client, person, lesson, store_calls
):
    assert post(client, statement(lesson[1])).status_code == 200  # the process learns it
    calls = store_calls()
    response = post(client, statement(lesson[1]))
    assert response.status_code == 200
    assert response.json()["stored"] == 1
    # No read of its own, and no version replaced: an "experienced" shows on no kept page.
    assert calls == []
    assert Statement.objects.filter(actor=person).count() == 2


def test_a_completion_still_replaces_the_learners_version(client, person, lesson):
    assert post(client, statement(lesson[1])).status_code == 200
    key = learner_page_cache.learner_key(person.pk)
    before = learner_page_cache.current_versions([key])
    assert post(client, statement(lesson[1])).status_code == 200
    assert learner_page_cache.current_versions([key]) == before
    assert post(client, statement(lesson[1], "completed")).status_code == 200
    assert learner_page_cache.current_versions([key]) != before


def test_a_session_known_as_someone_else_reads_as_before(client, person, lesson, store_calls):
    other = factories.learner()
    session_key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    sessions._PERSON_OF_SESSION[session_key] = str(other.pk)
    calls = store_calls()
    response = post(client, statement(lesson[1]))
    assert response.status_code == 200
    # What was read for the other person is not used: the access is read (and kept).
    assert calls[0] == "get_many"
    assert sessions._PERSON_OF_SESSION[session_key] == str(person.pk)
    assert Statement.objects.get().actor_id == person.pk


def test_leaving_the_course_is_refused_on_the_next_statement(client, person, lesson):
    for _ in range(2):
        assert post(client, statement(lesson[1])).status_code == 200
    Enrolment.objects.get(learner=person).delete()
    response = post(client, statement(lesson[1]))
    assert response.status_code == 403
    assert Statement.objects.count() == 2


def test_a_deactivated_person_is_signed_out_on_the_next_statement(client, person, lesson):
    assert post(client, statement(lesson[1])).status_code == 200
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert post(client, statement(lesson[1])).status_code == 401


def test_a_signed_out_session_records_nothing(client, person, lesson):
    assert post(client, statement(lesson[1])).status_code == 200
    client.logout()
    assert post(client, statement(lesson[1])).status_code == 401


def test_the_same_statement_again_is_a_no_op_and_another_under_its_id_a_conflict(
    client, person, lesson
):
    sent = statement(lesson[1])
    assert post(client, sent).json()["stored"] == 1
    again = post(client, sent)
    assert again.status_code == 200
    assert again.json() == {"ids": [sent["id"]], "stored": 0}
    conflict = post(client, statement(lesson[1], "completed", statement_id=sent["id"]))
    assert conflict.status_code == 409
    assert Statement.objects.count() == 1


def test_other_requests_are_not_read_ahead(client, person, lesson):
    client.get("/robots.txt")
    session_key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    store = sessions.SessionStore(session_key)
    store.load()
    assert store.read_ahead is None


class RedisCommands:
    """The commands sent to Redis (a pipeline counted as one round trip)."""

    def __init__(self, monkeypatch):
        self.sent = []
        real_execute, real_pipeline = (
            redis.client.Redis.execute_command,
            redis.client.Pipeline.execute,
        )
        sent = self.sent

        def execute_command(client, *args, **options):
            sent.append(args[0])
            return real_execute(client, *args, **options)

        def pipeline_execute(pipeline, *args, **kwargs):
            sent.append("PIPELINE")
            return real_pipeline(pipeline, *args, **kwargs)

        monkeypatch.setattr(redis.client.Redis, "execute_command", execute_command)
        monkeypatch.setattr(redis.client.Pipeline, "execute", pipeline_execute)


@pytest.mark.skipif(not ON_REDIS, reason="counts the commands sent to Redis")
@pytest.mark.parametrize("earlier", [1, 40])
def test_a_statement_is_one_redis_command_and_two_queries_at_two_sizes(
    client, person, lesson, monkeypatch, django_assert_max_num_queries, earlier
):
    for _ in range(earlier):
        assert post(client, statement(lesson[1])).status_code == 200
    commands = RedisCommands(monkeypatch)
    with django_assert_max_num_queries(5):  # session in Redis: the person, the insert
        response = post(client, statement(lesson[1]))
    assert response.status_code == 200
    assert commands.sent == ["MGET"]
    assert Statement.objects.filter(actor=person).count() == earlier + 1


def test_a_page_read_first_teaches_the_process_the_session(client, person, lesson, store_calls):
    client.get(lesson[1].url)  # a signed-in page: the session read alone, and learnt
    calls = store_calls()
    assert post(client, statement(lesson[1])).status_code == 200
    assert "get_many" not in calls  # the first statement reads the access with it


def test_the_process_forgets_the_oldest_sessions_first(monkeypatch):
    monkeypatch.setattr(sessions, "MAX_SESSIONS_KNOWN", 3)
    monkeypatch.setattr(sessions, "_PERSON_OF_SESSION", {})
    for number in range(5):
        sessions._remember(f"key{number}", number)
    assert sessions._PERSON_OF_SESSION == {"key2": "2", "key3": "3", "key4": "4"}
    sessions._remember("key3", None)  # signed out
    assert "key3" not in sessions._PERSON_OF_SESSION
