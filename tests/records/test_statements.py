"""The learning-record store: one statement or a batch, stored once however often it is
sent, conflicts and bad batches refused with a reason, only the learner's own learning,
CSRF for browsers and personal keys for apps."""

import json
import uuid

import pytest
from django.test import Client

from lms.records import activities
from lms.records.models import AppendOnlyError, Statement
from lms.records.tokens import access_token_create, access_token_revoke
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/records/statements"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


def authorise_drills(user, keys):
    """Keys starting with "open" are allowed; "later" ones are refused with a reason."""
    return activities.Authorisation(
        allowed={k for k in keys if k.startswith("open")},
        refused={
            k: activities.Refusal(reason="This drill starts next week.", code="not_open")
            for k in keys
            if k.startswith("later")
        },
    )


@pytest.fixture(autouse=True)
def practice_kind(monkeypatch):
    """An activity kind whose keys starting with "open" anyone may record about, and one
    that gives reasons."""
    kinds = dict(activities._kinds)
    monkeypatch.setattr(activities, "_kinds", kinds)
    activities.register_activity_kind(
        "practice", lambda user, keys: {k for k in keys if k.startswith("open")}
    )
    activities.register_activity_kind("drill", authorise_drills)


def statement(key="open-1", kind="practice", parent=None, **extra):
    raw = {
        "id": str(uuid.uuid4()),
        "verb": {"id": COMPLETED},
        "object": {"id": f"urn:betterwork:{kind}:{key}"},
        **extra,
    }
    if parent:
        raw["context"] = {"contextActivities": {"parent": [{"id": parent}]}}
    return raw


def post(client, payload, **headers):
    return client.post(URL, json.dumps(payload), content_type="application/json", **headers)


@pytest.fixture
def learner(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_one_statement_is_stored_for_the_signed_in_learner(client, learner):
    response = post(client, statement(result={"score": {"scaled": 0.8}, "success": True}))
    assert response.status_code == 200
    assert response.json()["stored"] == 1
    stored = Statement.objects.get()
    assert stored.actor == learner
    assert stored.score_scaled == pytest.approx(0.8)
    assert stored.success is True


def test_a_retried_request_is_stored_once(client, learner):
    batch = [statement(), statement()]
    assert post(client, batch).json()["stored"] == 2
    again = post(client, batch)
    assert again.status_code == 200
    assert again.json()["stored"] == 0
    assert Statement.objects.count() == 2


def test_the_same_id_with_other_content_is_a_conflict(client, learner):
    first = statement()
    post(client, first)
    changed = {**first, "result": {"success": False}}
    response = post(client, changed)
    assert response.status_code == 409
    assert response.json()["error"] == "conflict"
    assert Statement.objects.count() == 1


def test_a_batch_with_the_same_id_twice_is_refused_whole(client, learner):
    one = statement()
    response = post(client, [one, statement(), one])
    assert response.status_code == 400
    assert "twice" in response.json()["detail"]
    assert Statement.objects.count() == 0


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ([], "one statement or a list"),
        ([statement() for _ in range(101)], "at most 100"),
        ({"id": "not-a-uuid", "verb": {"id": COMPLETED}}, "UUID"),
        (statement(key="x", object={"id": "https://elsewhere.example/x"}), "not one this site"),
        (statement(timestamp="yesterday"), "ISO 8601"),
        (statement(timestamp="2999-01-01T00:00:00Z"), "future"),
        (statement(result="full marks"), "result must be"),
    ],
)
def test_bad_statements_are_refused_with_a_reason(client, learner, payload, reason):
    response = post(client, payload)
    assert response.status_code == 400
    assert reason in response.json()["detail"]
    assert Statement.objects.count() == 0


def test_invalid_json_is_a_400(client, learner):
    response = client.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_json"


def test_a_forged_actor_is_refused(client, learner):
    someone_else = UserFactory()
    forged = statement(actor={"account": {"name": str(someone_else.pk)}})
    assert post(client, forged).status_code == 403
    assert Statement.objects.count() == 0


def test_activities_the_learner_may_not_record_are_refused(client, learner):
    response = post(client, [statement(), statement(key="closed-7")])
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert response.json()["index"] == 1
    assert "closed-7" in response.json()["detail"]
    assert Statement.objects.count() == 0


def test_a_refusal_with_a_reason_gives_the_reason_and_its_code(client, learner):
    response = post(client, [statement("open-1", "drill"), statement("later-2", "drill")])
    assert response.status_code == 403
    body = response.json()
    assert body == {
        "error": "not_open",
        "detail": "This drill starts next week. (drill:later-2)",
        "index": 1,
    }
    assert Statement.objects.count() == 0
    # The allowed statement alone is stored.
    assert post(client, statement("open-1", "drill")).json()["stored"] == 1


def test_a_refusal_with_a_reason_also_refuses_what_names_it_as_parent(client, learner):
    inside = statement(parent="urn:betterwork:drill:later-2")
    response = post(client, inside)
    assert response.status_code == 403
    assert response.json()["error"] == "not_open"
    assert "drill:later-2" in response.json()["detail"]
    # A parent that is merely not allowed (staff previewing a lesson they do not take)
    # does not stop a statement its object allows; nor does a parent this site does not own.
    for parent in ("urn:betterwork:drill:other-3", "https://elsewhere.example/course"):
        assert post(client, statement(parent=parent)).status_code == 200
    assert Statement.objects.count() == 2


def test_a_stored_statement_sent_again_is_not_authorised_again(client, learner, monkeypatch):
    """Idempotent retries: once stored, a statement is a no-op even if the rule changed."""
    first = statement("open-1", "drill")
    post(client, first)
    monkeypatch.setattr(activities, "_kinds", {**activities._kinds})
    activities.register_activity_kind("drill", lambda user, keys: set())
    again = post(client, first)
    assert again.status_code == 200
    assert again.json()["stored"] == 0


def test_anonymous_visitors_cannot_record(client):
    assert post(client, statement()).status_code == 401


def test_browsers_must_send_the_csrf_token():
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(UserFactory())
    refused = post(browser, statement())
    assert refused.status_code == 403
    assert refused.json()["error"] == "csrf"
    browser.get("/en/")  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    assert post(browser, statement(), HTTP_X_CSRFTOKEN=token).status_code == 200


def test_an_app_records_with_a_personal_key_and_no_session():
    learner = UserFactory()
    token, key = access_token_create(user=learner, name="kiosk")
    app = Client(enforce_csrf_checks=True)
    response = post(app, statement(), HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert Statement.objects.get().actor == learner
    access_token_revoke(token=token)
    assert post(app, statement(), HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert post(app, statement(), HTTP_AUTHORIZATION="Bearer made-up").status_code == 401


def test_statements_are_append_only(client, learner):
    post(client, statement())
    stored = Statement.objects.get()
    with pytest.raises(AppendOnlyError):
        stored.save()
    with pytest.raises(AppendOnlyError):
        stored.delete()


@pytest.mark.parametrize("size", [1, 50])
def test_a_batch_takes_the_same_number_of_queries_whatever_its_size(
    client, learner, django_assert_max_num_queries, size
):
    client.get("/robots.txt")
    # Session and person, then the insert in its transaction: a new batch is not looked up
    # first (lms.records.services._store).
    with django_assert_max_num_queries(5):
        response = post(client, [statement() for _ in range(size)])
    assert response.json()["stored"] == size
