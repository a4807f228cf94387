"""The xAPI Statement resource, written from the xAPI 1.0.3 specification (Part Two: data,
Part Three: communication) and the 2.0 differences (IEEE 9274.1.1). Section numbers are in
the test names' docstrings."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from lms.records import activities
from lms.records.models import Statement
from lms.records.tokens import access_token_create
from tests.accounts.factories import UserFactory
from tests.records.xapi_helpers import (
    COMPLETED,
    EXPERIENCED,
    EXTERNAL,
    VOIDED,
    agent_of,
    home,
    xapi,
    xstatement,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def practice_kind(monkeypatch):
    kinds = dict(activities._kinds)
    monkeypatch.setattr(activities, "_kinds", kinds)
    activities.register_activity_kind(
        "practice", lambda user, keys: {k for k in keys if k.startswith("open")}
    )


@pytest.fixture
def learner(client):
    user = UserFactory()
    client.force_login(user)
    return user


@pytest.fixture
def app(learner):
    """The learner's app, with a personal key: no session, no CSRF."""
    _token, key = access_token_create(user=learner, name="app")
    http = Client(enforce_csrf_checks=True)
    http.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return http


# --- Versioning and CORS (Part Three §3.3, §1.3) ----------------------------------------


def test_version_header_is_required_and_named_in_every_answer_part3_3_3(app, learner):
    missing = xapi(app, "GET", version=None)
    assert missing.status_code == 400
    assert missing["X-Experience-API-Version"] == "1.0.3"
    assert xapi(app, "GET", version="0.95").status_code == 400
    assert xapi(app, "GET", version="1.0.1")["X-Experience-API-Version"] == "1.0.3"
    assert xapi(app, "GET", version="2.0.0")["X-Experience-API-Version"] == "2.0.0"


def test_preflight_is_answered_with_cors_headers_part3_1_3():
    response = Client().options(
        "/xapi/statements",
        HTTP_ORIGIN="https://package.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PUT",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "https://package.example.org"
    assert "X-Experience-API-Version" in response["Access-Control-Allow-Headers"]
    assert "PUT" in response["Access-Control-Allow-Methods"]


def test_without_credentials_the_answer_is_401_with_basic_challenge():
    response = xapi(Client(), "GET")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    assert response["Access-Control-Allow-Origin"] == "*"


# --- PUT and POST (Part Three §2.1.1, §2.1.2) ---------------------------------------------


def test_put_stores_with_statement_id_and_answers_204_part3_2_1_1(app, learner):
    raw = xstatement(learner)
    statement_id = raw.pop("id")
    response = xapi(app, "PUT", raw, params={"statementId": statement_id})
    assert response.status_code == 204
    assert Statement.objects.get().id == uuid.UUID(statement_id)
    # The same statement again: 204, stored once. Another under the same id: 409.
    assert xapi(app, "PUT", raw, params={"statementId": statement_id}).status_code == 204
    changed = {**raw, "verb": {"id": EXPERIENCED}}
    assert xapi(app, "PUT", changed, params={"statementId": statement_id}).status_code == 409
    assert Statement.objects.count() == 1


def test_put_refuses_a_missing_or_different_statement_id_part3_2_1_1(app, learner):
    raw = xstatement(learner)
    assert xapi(app, "PUT", raw).status_code == 400
    assert xapi(app, "PUT", raw, params={"statementId": str(uuid.uuid4())}).status_code == 400


def test_post_stores_one_or_a_list_and_answers_their_ids_part3_2_1_2(app, learner):
    one = xstatement(learner)
    response = xapi(app, "POST", one)
    assert response.status_code == 200
    assert response.json() == [one["id"]]
    batch = [xstatement(learner), xstatement(learner)]
    without_id = xstatement(learner)
    del without_id["id"]
    response = xapi(app, "POST", [*batch, without_id])
    ids = response.json()
    assert ids[:2] == [batch[0]["id"], batch[1]["id"]]
    assert uuid.UUID(ids[2])
    assert Statement.objects.count() == 4


def test_post_with_a_conflicting_id_in_the_batch_stores_nothing_part3_2_1_2(app, learner):
    stored = xstatement(learner)
    xapi(app, "POST", stored)
    conflicting = {**stored, "verb": {"id": EXPERIENCED}}
    response = xapi(app, "POST", [xstatement(learner), conflicting])
    assert response.status_code == 409
    assert Statement.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"actor": {"objectType": "Agent"}}, id="agent-without-identifier"),
        pytest.param({"verb": {"id": "completed"}}, id="verb-not-an-iri"),
        pytest.param({"object": {"id": "not an iri"}}, id="activity-not-an-iri"),
        pytest.param({"unknown": 1}, id="unknown-property"),
        pytest.param({"result": {"duration": "1 hour"}}, id="duration-not-iso"),
        pytest.param({"timestamp": "2024-01-01T00:00:00-00:00"}, id="negative-zero-offset"),
        pytest.param({"version": "0.95"}, id="unknown-version"),
        pytest.param({"verb": {"id": VOIDED}}, id="voiding-an-activity"),
        pytest.param({"context": {"contextAgents": []}}, id="context-agents-in-1-0"),
    ],
)
def test_statements_xapi_does_not_allow_are_refused_part2_2_4(app, learner, change):
    response = xapi(app, "POST", {**xstatement(learner), **change})
    assert response.status_code == 400, response.content
    assert Statement.objects.count() == 0


def test_stored_authority_and_version_are_set_by_the_store_part2_2_4_8(app, learner):
    raw = xstatement(learner, stored="2001-01-01T00:00:00Z", authority=agent_of(UserFactory()))
    xapi(app, "POST", raw)
    got = xapi(app, "GET", params={"statementId": raw["id"]}).json()
    assert got["stored"] != "2001-01-01T00:00:00Z"
    assert got["authority"] == {
        "objectType": "Agent",
        "account": {"homePage": home(), "name": str(learner.pk)},
    }
    assert got["version"] == "1.0.0"
    assert got["actor"] == raw["actor"]
    assert got["timestamp"]  # set to stored when the client sent none (Part Two §2.4.7)


def test_another_persons_statement_is_refused(app, learner):
    other = UserFactory()
    assert xapi(app, "POST", xstatement(other)).status_code == 403


# --- Voiding (Part Two §2.3.2, Part Three §2.1.4) -----------------------------------------


def void(user, target):
    return xstatement(user, verb=VOIDED, object={"objectType": "StatementRef", "id": target})


def test_a_voided_statement_is_read_only_by_voided_statement_id_part3_2_1_4(app, learner):
    raw = xstatement(learner)
    xapi(app, "POST", raw)
    voiding = void(learner, raw["id"])
    assert xapi(app, "POST", voiding).status_code == 200
    assert xapi(app, "GET", params={"statementId": raw["id"]}).status_code == 404
    got = xapi(app, "GET", params={"voidedStatementId": raw["id"]})
    assert got.status_code == 200
    assert got.json()["id"] == raw["id"]
    listed = [s["id"] for s in xapi(app, "GET").json()["statements"]]
    assert listed == [voiding["id"]]
    # The statement itself is never changed (Part Two §2.3.1).
    assert Statement.objects.get(pk=raw["id"]).data["verb"]["id"] == COMPLETED


def test_a_voiding_statement_cannot_be_voided_part2_2_3_2(app, learner):
    raw = xstatement(learner)
    voiding = void(learner, raw["id"])
    xapi(app, "POST", [raw, voiding])
    assert xapi(app, "POST", void(learner, voiding["id"])).status_code == 400


def test_nobody_voids_another_persons_statement(app, learner):
    other = UserFactory()
    _token, key = access_token_create(user=other, name="app")
    other_app = Client()
    other_app.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    raw = xstatement(other)
    xapi(other_app, "POST", raw)
    assert xapi(app, "POST", void(learner, raw["id"])).status_code == 403


# --- GET with filters (Part Three §2.1.3) -------------------------------------------------


def test_a_person_reads_only_their_own_statements(app, learner):
    other = UserFactory()
    _token, key = access_token_create(user=other, name="app")
    other_app = Client()
    other_app.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    theirs = xstatement(other)
    xapi(other_app, "POST", theirs)
    xapi(app, "POST", xstatement(learner))
    assert len(xapi(app, "GET").json()["statements"]) == 1
    assert xapi(app, "GET", params={"statementId": theirs["id"]}).status_code == 404


def test_filters_agent_verb_activity_registration_part3_2_1_3(app, learner):
    registration = str(uuid.uuid4())
    a = xstatement(learner, context={"registration": registration})
    b = xstatement(learner, activity=EXTERNAL + "module-2", verb=EXPERIENCED)
    c = xstatement(
        learner,
        activity=EXTERNAL + "module-3",
        context={"contextActivities": {"grouping": [{"id": EXTERNAL + "module-1"}]}},
    )
    xapi(app, "POST", [a, b, c])

    def ids(**params):
        response = xapi(app, "GET", params=params)
        assert response.status_code == 200, response.content
        return {s["id"] for s in response.json()["statements"]}

    assert ids(verb=EXPERIENCED) == {b["id"]}
    assert ids(activity=EXTERNAL + "module-1") == {a["id"]}
    assert ids(activity=EXTERNAL + "module-1", related_activities="true") == {a["id"], c["id"]}
    assert ids(registration=registration) == {a["id"]}
    import json

    assert ids(agent=json.dumps(agent_of(learner))) == {a["id"], b["id"], c["id"]}
    mbox = {"mbox": f"mailto:{learner.email}"}
    assert ids(agent=json.dumps(mbox)) == {a["id"], b["id"], c["id"]}
    assert ids(agent=json.dumps({"mbox": "mailto:nobody@example.org"})) == set()


def test_related_agents_finds_instructors_part3_2_1_3(app, learner):
    import json

    teacher = {"mbox": "mailto:teacher@example.org", "name": "T"}
    raw = xstatement(learner, context={"instructor": teacher})
    xapi(app, "POST", [raw, xstatement(learner)])
    only = {"mbox": "mailto:teacher@example.org"}
    got = xapi(app, "GET", params={"agent": json.dumps(only), "related_agents": "true"}).json()
    assert [s["id"] for s in got["statements"]] == [raw["id"]]
    got = xapi(app, "GET", params={"agent": json.dumps(only)}).json()
    assert got["statements"] == []


def test_since_until_ascending_and_limit_with_more_part3_2_1_3(app, learner, settings):
    batch = [xstatement(learner) for _ in range(5)]
    for raw in batch:
        xapi(app, "POST", raw)
    stored = list(Statement.objects.order_by("stored", "id").values_list("id", "stored"))
    first = xapi(app, "GET", params={"limit": 2, "ascending": "true"})
    page = first.json()
    assert [s["id"] for s in page["statements"]] == [str(i) for i, _s in stored[:2]]
    assert first["X-Experience-API-Consistent-Through"]
    # A statement stored while the client pages is not slipped into this query's pages.
    xapi(app, "POST", xstatement(learner))
    seen = [s["id"] for s in page["statements"]]
    while page["more"]:
        assert page["more"].startswith("/xapi/statements?more=")
        page = app.get(page["more"], HTTP_X_EXPERIENCE_API_VERSION="1.0.3").json()
        seen += [s["id"] for s in page["statements"]]
    assert seen == [str(i) for i, _s in stored]
    since = stored[1][1].isoformat()
    until = stored[3][1].isoformat()
    got = xapi(app, "GET", params={"since": since, "until": until, "ascending": "true"}).json()
    assert [s["id"] for s in got["statements"]] == [str(i) for i, _s in stored[2:4]]
    newest = xapi(app, "GET", params={"limit": 1}).json()["statements"][0]
    assert newest["id"] not in seen  # newest first by default


def test_bad_filters_answer_400_part3_2_1_3(app, learner):
    assert xapi(app, "GET", params={"agent": "not json"}).status_code == 400
    assert xapi(app, "GET", params={"format": "full"}).status_code == 400
    assert xapi(app, "GET", params={"since": "yesterday"}).status_code == 400
    assert (
        xapi(app, "GET", params={"statementId": str(uuid.uuid4()), "verb": COMPLETED}).status_code
        == 400
    )
    assert xapi(app, "GET", params={"more": "forged"}).status_code == 400


def test_format_ids_and_canonical_part3_2_1_3(app, learner):
    raw = xstatement(learner)
    raw["actor"]["name"] = "A learner"
    xapi(app, "POST", raw)
    ids = xapi(app, "GET", params={"statementId": raw["id"], "format": "ids"}).json()
    assert ids["actor"] == {"objectType": "Agent", "account": raw["actor"]["account"]}
    assert ids["verb"] == {"id": COMPLETED}
    assert ids["object"] == {"objectType": "Activity", "id": raw["object"]["id"]}
    canonical = xapi(
        app,
        "GET",
        params={"statementId": raw["id"], "format": "canonical"},
        HTTP_ACCEPT_LANGUAGE="fr",
    ).json()
    assert canonical["verb"]["display"] == {"fr": "a terminé"}
    assert canonical["object"]["definition"]["name"] == {"fr": "Module 1 (fr)"}
    exact = xapi(app, "GET", params={"statementId": raw["id"]}).json()
    assert exact["verb"]["display"] == raw["verb"]["display"]


@pytest.mark.parametrize("size", [3, 30])
def test_a_filtered_get_takes_the_same_queries_whatever_the_number_stored(
    app, learner, django_assert_max_num_queries, size
):
    import json

    for start in range(0, size, 10):
        xapi(app, "POST", [xstatement(learner) for _ in range(min(10, size - start))])
    params = {"agent": json.dumps(agent_of(learner)), "verb": COMPLETED, "limit": 20}
    # Key, person lookup for the agent, statements naming the agent elsewhere than as
    # actor, the matching page, the page of statements targeting a match (StatementRefs).
    with django_assert_max_num_queries(5):
        response = xapi(app, "GET", params=params)
    assert len(response.json()["statements"]) == min(size, 20)


@pytest.mark.parametrize("size", [1, 50])
def test_a_write_takes_at_most_five_queries(app, learner, django_assert_max_num_queries, size):
    xapi(app, "GET", params={"limit": 1})  # the key's last use is written once a minute
    # Key, savepoint, insert, release (no relation rows for a plain statement of the site).
    batch = [xstatement(learner, activity="urn:betterwork:practice:open-1") for _ in range(size)]
    for raw in batch:
        del raw["object"]["definition"]
    with django_assert_max_num_queries(5):
        response = xapi(app, "POST", batch)
    assert response.status_code == 200
    assert Statement.objects.count() == size


# --- 2.0 differences (IEEE 9274.1.1) -----------------------------------------------------


def test_2_0_requires_a_time_zone_on_timestamps(app, learner):
    naive = xstatement(learner, timestamp="2024-03-01T10:00:00")
    assert xapi(app, "POST", naive, version="2.0.0").status_code == 400
    assert xapi(app, "POST", naive, version="1.0.3").status_code == 200
    zoned = xstatement(learner, timestamp="2024-03-01T10:00:00+07:00")
    assert xapi(app, "POST", zoned, version="2.0.0").status_code == 200


def test_2_0_context_agents_are_stored_and_found_as_related_agents(app, learner):
    import json

    mentor = {"objectType": "Agent", "mbox": "mailto:mentor@example.org"}
    raw = xstatement(
        learner,
        context={
            "contextAgents": [
                {
                    "objectType": "contextAgent",
                    "agent": mentor,
                    "relevantTypes": ["https://example.org/types/mentor"],
                }
            ]
        },
    )
    assert xapi(app, "POST", raw, version="2.0.0").status_code == 200
    got = xapi(
        app,
        "GET",
        params={"agent": json.dumps(mentor), "related_agents": "true"},
        version="2.0.0",
    ).json()
    assert [s["id"] for s in got["statements"]] == [raw["id"]]
    assert got["statements"][0]["version"] == "2.0.0"


def test_timestamps_in_the_future_are_refused(app, learner):
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert xapi(app, "POST", xstatement(learner, timestamp=later)).status_code == 400


# --- Alternate request syntax (1.0.3 Part Three §1.3) -------------------------------------


def test_alternate_request_syntax_put_and_get_part3_1_3(app, learner):
    import json
    from urllib.parse import urlencode

    raw = xstatement(learner)
    statement_id = raw["id"]
    form = {
        "X-Experience-API-Version": "1.0.3",
        "Content-Type": "application/json",
        "statementId": statement_id,
        "content": json.dumps(raw),
    }
    response = app.post(
        "/xapi/statements?method=PUT",
        urlencode(form),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 204, response.content
    got = app.post(
        "/xapi/statements?method=GET",
        urlencode({"X-Experience-API-Version": "1.0.3", "statementId": statement_id}),
        content_type="application/x-www-form-urlencoded",
    )
    assert got.json()["id"] == statement_id
    # 2.0 removed the alternate syntax.
    form["X-Experience-API-Version"] = "2.0.0"
    refused = app.post(
        "/xapi/statements?method=PUT",
        urlencode(form),
        content_type="application/x-www-form-urlencoded",
    )
    assert refused.status_code == 400


# --- Session, download ------------------------------------------------------------------


def test_a_session_writes_only_with_the_csrf_token(learner):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)
    assert xapi(browser, "POST", xstatement(learner)).status_code == 403
    assert xapi(browser, "GET").status_code == 200


def test_the_learner_downloads_their_own_statements(client, app, learner):
    mine = xstatement(learner)
    xapi(app, "POST", mine)
    other = UserFactory()
    Statement.objects.create(
        actor=other,
        verb=COMPLETED,
        activity="x",
        activity_kind="",
        timestamp=datetime.now(UTC),
        content_hash="x",
        data={},
    )
    response = client.get("/api/records/mine.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert [s["id"] for s in response.json()] == [mine["id"]]
    assert Client().get("/api/records/mine.json").status_code == 401


@pytest.mark.parametrize(
    "path", ["/xapi/statements", "/xapi/activities/state", "/xapi/agents/profile"]
)
def test_every_resource_answers_a_preflight_with_the_same_cors_headers(path):
    """The document resources share the Statement resource's CORS: a package that reads
    ETag or sends If-Match from a sandboxed (origin ``null``) frame works on each."""
    response = Client().options(path, HTTP_ORIGIN="null", HTTP_ACCESS_CONTROL_REQUEST_METHOD="PUT")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "null"
    assert "Origin" in response["Vary"]
    for header in ("If-Match", "If-None-Match", "Accept-Language", "X-Experience-API-Version"):
        assert header in response["Access-Control-Allow-Headers"]
    for header in ("ETag", "Last-Modified", "X-Experience-API-Consistent-Through"):
        assert header in response["Access-Control-Expose-Headers"]
