"""The State, Activity Profile and Agent Profile resources, written from the xAPI 1.0.3
text (sections 7.4-7.6, and 6.3 on concurrency) and xAPI 2.0's (IEEE 9274.1.1, 4.1.6)."""

import json
import time
import uuid
from urllib.parse import urlencode

import pytest
from django.test import Client

from lms.records.tokens import access_token_create
from lms.records.xapi_identities import agent_of
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

STATE = "/xapi/activities/state"
ACTIVITY_PROFILE = "/xapi/activities/profile"
AGENT_PROFILE = "/xapi/agents/profile"
ACTIVITY = "https://example.org/activities/safety-walk"
V1 = {"HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}
V2 = {"HTTP_X_EXPERIENCE_API_VERSION": "2.0.0"}


@pytest.fixture
def learner():
    return UserFactory()


@pytest.fixture
def client(learner):
    client = Client()
    client.force_login(learner)
    return client


def url(base, **params):
    for key in ("agent",):
        if isinstance(params.get(key), dict):
            params[key] = json.dumps(params[key])
    return f"{base}?{urlencode(params)}"


def state_url(learner, **params):
    return url(STATE, activityId=ACTIVITY, agent=agent_of(learner), **params)


def put(client, address, body, content_type="application/json", headers=V1, **extra):
    data = json.dumps(body) if not isinstance(body, bytes) else body
    return client.put(address, data, content_type=content_type, **headers, **extra)


def post(client, address, body, content_type="application/json", headers=V1, **extra):
    data = json.dumps(body) if not isinstance(body, bytes) else body
    return client.post(address, data, content_type=content_type, **headers, **extra)


# --- State -----------------------------------------------------------------------------


def test_a_state_document_put_is_read_back_with_its_content_type_etag_and_time(client, learner):
    address = state_url(learner, stateId="bookmark")
    response = put(client, address, b"page-7", content_type="text/plain")
    assert response.status_code == 204
    assert response["ETag"].strip('"')
    read = client.get(address, **V1)
    assert read.status_code == 200
    assert read.content == b"page-7"
    assert read["Content-Type"] == "text/plain"
    assert read["ETag"] == response["ETag"]
    assert read["Last-Modified"]
    assert read["X-Experience-API-Version"] == "1.0.3"


def test_requests_without_the_version_header_are_refused(client, learner):
    response = client.get(state_url(learner, stateId="x"))
    assert response.status_code == 400
    assert response.json()["error"] == "version"


def test_a_2_0_request_is_answered_in_2_0(client, learner):
    put(client, state_url(learner, stateId="x"), {"a": 1}, headers=V2)
    assert client.get(state_url(learner, stateId="x"), **V2)["X-Experience-API-Version"] == "2.0.0"


def test_a_missing_document_is_404_and_a_missing_parameter_400(client, learner):
    assert client.get(state_url(learner, stateId="nothing"), **V1).status_code == 404
    no_activity = url(STATE, agent=agent_of(learner), stateId="x")
    assert client.get(no_activity, **V1).status_code == 400
    no_id = state_url(learner)
    assert put(client, no_id, {"a": 1}).status_code == 400


@pytest.mark.parametrize(
    "agent",
    [
        "not json",
        json.dumps({"name": "no identifier"}),
        json.dumps({"mbox": "mailto:a@example.org", "openid": "https://example.org/a"}),
        json.dumps({"objectType": "Group", "mbox": "mailto:a@example.org"}),
        json.dumps({"mbox": "a@example.org"}),
        json.dumps({"account": {"homePage": "https://example.org"}}),
    ],
    ids=["not-json", "no-ifi", "two-ifis", "group", "mbox-without-mailto", "account-no-name"],
)
def test_an_agent_that_is_not_a_valid_agent_is_a_400(client, agent):
    response = client.get(f"{STATE}?{urlencode({'activityId': ACTIVITY, 'agent': agent})}", **V1)
    assert response.status_code == 400


def test_post_merges_json_objects_key_by_key(client, learner):
    address = state_url(learner, stateId="progress")
    assert post(client, address, {"page": 1, "score": 5}).status_code == 204
    assert post(client, address, {"page": 2, "done": False}).status_code == 204
    assert client.get(address, **V1).json() == {"page": 2, "score": 5, "done": False}


def test_post_refuses_what_is_not_a_json_object_on_either_side(client, learner):
    address = state_url(learner, stateId="text")
    put(client, address, b"plain", content_type="text/plain")
    assert post(client, address, {"a": 1}).status_code == 400
    assert post(client, state_url(learner, stateId="new"), [1, 2]).status_code == 400
    assert client.get(address, **V1).content == b"plain"


def test_the_ids_list_honours_since_exclusively(client, learner):
    put(client, state_url(learner, stateId="first"), {"a": 1})
    time.sleep(0.01)
    first = client.get(state_url(learner, stateId="first"), **V1)
    from django.utils.http import parse_http_date  # noqa: F401 (the header is second-precise)

    from lms.records.models import XapiDocument

    cut = XapiDocument.objects.get(document_id="first").updated
    time.sleep(0.01)
    put(client, state_url(learner, stateId="second"), {"b": 2})
    assert first.status_code == 200
    everything = client.get(state_url(learner), **V1).json()
    assert everything == ["first", "second"]
    assert client.get(state_url(learner, since=cut.isoformat()), **V1).json() == ["second"]
    assert client.get(state_url(learner, since="yesterday"), **V1).status_code == 400


def test_registration_separates_documents(client, learner):
    registration = str(uuid.uuid4())
    put(client, state_url(learner, stateId="s", registration=registration), {"r": 1})
    put(client, state_url(learner, stateId="s"), {"r": 0})
    assert client.get(state_url(learner, stateId="s", registration=registration), **V1).json() == {
        "r": 1
    }
    assert client.get(state_url(learner, registration=registration), **V1).json() == ["s"]
    bad = client.get(state_url(learner, stateId="s", registration="not-a-uuid"), **V1)
    assert bad.status_code == 400


def test_delete_one_and_delete_all(client, learner):
    for state_id in ("a", "b", "c"):
        put(client, state_url(learner, stateId=state_id), {"x": state_id})
    assert client.delete(state_url(learner, stateId="a"), **V1).status_code == 204
    assert client.get(state_url(learner), **V1).json() == ["b", "c"]
    assert client.delete(state_url(learner), **V1).status_code == 204
    assert client.get(state_url(learner), **V1).json() == []


def test_state_put_over_a_document_replaces_it_in_1_0_3_but_needs_a_precondition_in_2_0(
    client, learner
):
    address = state_url(learner, stateId="s")
    put(client, address, {"v": 1})
    assert put(client, address, {"v": 2}).status_code == 204
    assert put(client, address, {"v": 3}, headers=V2).status_code == 409
    etag = client.get(address, **V2)["ETag"]
    assert put(client, address, {"v": 3}, headers=V2, HTTP_IF_MATCH=etag).status_code == 204
    assert client.get(address, **V1).json() == {"v": 3}


def test_if_match_with_a_stale_etag_is_412_and_changes_nothing(client, learner):
    address = state_url(learner, stateId="s")
    first = put(client, address, {"v": 1})["ETag"]
    put(client, address, {"v": 2})
    response = put(client, address, {"v": 3}, HTTP_IF_MATCH=first)
    assert response.status_code == 412
    assert post(client, address, {"w": 1}, HTTP_IF_MATCH=first).status_code == 412
    assert client.delete(address, HTTP_IF_MATCH=first, **V1).status_code == 412
    assert client.get(address, **V1).json() == {"v": 2}


def test_if_none_match_star_creates_only(client, learner):
    address = state_url(learner, stateId="s")
    assert put(client, address, {"v": 1}, HTTP_IF_NONE_MATCH="*").status_code == 204
    assert put(client, address, {"v": 2}, HTTP_IF_NONE_MATCH="*").status_code == 412
    assert client.get(address, **V1).json() == {"v": 1}


def test_a_person_reaches_only_their_own_agents_documents(client, learner):
    other = UserFactory()
    put(Client(enforce_csrf_checks=False), state_url(learner, stateId="s"), {"v": 1})
    other_client = Client()
    other_client.force_login(other)
    assert put(client, state_url(learner, stateId="s"), {"v": 1}).status_code == 204
    assert other_client.get(state_url(learner, stateId="s"), **V1).status_code == 403
    assert put(other_client, state_url(learner, stateId="s"), {"v": 9}).status_code == 403
    assert other_client.delete(state_url(learner), **V1).status_code == 403
    assert client.get(state_url(learner, stateId="s"), **V1).json() == {"v": 1}


def test_a_person_is_also_named_by_their_mailbox(client, learner):
    by_mbox = url(STATE, activityId=ACTIVITY, agent={"mbox": f"mailto:{learner.email}"})
    assert put(client, f"{by_mbox}&stateId=m", {"v": 1}).status_code == 204


def test_anonymous_requests_are_401(learner):
    response = Client().get(state_url(learner, stateId="s"), **V1)
    assert response.status_code == 401
    assert "Basic" in response["WWW-Authenticate"]


def test_a_personal_key_reaches_the_keys_persons_documents(learner):
    _token, key = access_token_create(user=learner, name="reader")
    app = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert put(app, state_url(learner, stateId="k"), {"v": 1}, **auth).status_code == 204
    assert app.get(state_url(learner, stateId="k"), **V1, **auth).json() == {"v": 1}
    wrong = {"HTTP_AUTHORIZATION": "Bearer nope"}
    assert app.get(state_url(learner, stateId="k"), **V1, **wrong).status_code == 401


def test_session_writes_need_the_csrf_token(learner):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)
    assert put(browser, state_url(learner, stateId="s"), {"v": 1}).status_code == 403
    assert browser.get(state_url(learner, stateId="s"), **V1).status_code == 404


def test_documents_larger_than_a_megabyte_are_refused(client, learner):
    response = put(
        client, state_url(learner, stateId="big"), b"x" * (1024 * 1024 + 1), "text/plain"
    )
    assert response.status_code in {400, 413}


def test_the_lms_launch_data_cannot_be_written_through_the_api(client, learner):
    address = state_url(learner, stateId="LMS.LaunchData")
    assert put(client, address, {"launchMode": "Normal"}).status_code == 400
    assert client.delete(address, **V1).status_code == 400


# --- Activity Profile ------------------------------------------------------------------


@pytest.fixture
def staff_client():
    client = Client()
    client.force_login(UserFactory(is_staff=True))
    return client


def profile_url(**params):
    return url(ACTIVITY_PROFILE, activityId=ACTIVITY, **params)


def test_an_activity_profile_put_over_an_existing_one_without_a_precondition_is_409(
    staff_client,
):
    address = profile_url(profileId="glossary")
    assert put(staff_client, address, {"a": 1}).status_code == 204
    assert put(staff_client, address, {"a": 2}).status_code == 409
    etag = staff_client.get(address, **V1)["ETag"]
    assert put(staff_client, address, {"a": 2}, HTTP_IF_MATCH=etag).status_code == 204
    assert put(staff_client, address, {"a": 3}, HTTP_IF_MATCH=etag).status_code == 412
    assert staff_client.get(address, **V1).json() == {"a": 2}


def test_activity_profiles_are_read_by_learners_and_written_by_staff(staff_client, client):
    put(staff_client, profile_url(profileId="p"), {"a": 1})
    assert client.get(profile_url(profileId="p"), **V1).json() == {"a": 1}
    assert client.get(profile_url(), **V1).json() == ["p"]
    assert put(client, profile_url(profileId="q"), {"a": 1}).status_code == 403
    assert client.delete(profile_url(profileId="p"), **V1).status_code == 403
    assert staff_client.delete(profile_url(), **V1).status_code == 400  # needs a profileId
    assert staff_client.delete(profile_url(profileId="p"), **V1).status_code == 204


# --- Agent Profile ---------------------------------------------------------------------


def test_agent_profiles_follow_the_same_concurrency_rules(client, learner):
    address = url(AGENT_PROFILE, agent=agent_of(learner), profileId="cmi5LearnerPreferences")
    assert put(client, address, {"languagePreference": "vi"}).status_code == 204
    assert put(client, address, {"languagePreference": "en"}).status_code == 409
    assert post(client, address, {"audioPreference": "on"}).status_code == 204
    assert client.get(address, **V1).json() == {"languagePreference": "vi", "audioPreference": "on"}
    other = UserFactory()
    assert (
        client.get(url(AGENT_PROFILE, agent=agent_of(other), profileId="x"), **V1).status_code
        == 403
    )


# --- Activities, Agents, About ---------------------------------------------------------


def test_about_lists_both_versions_without_credentials():
    response = Client().get("/xapi/about")
    assert response.status_code == 200
    assert response.json()["version"] == ["1.0.3", "2.0.0"]
    assert "extensions" in response.json()


def test_agents_returns_the_person_behind_ones_own_agent(client, learner):
    response = client.get(url("/xapi/agents", agent=agent_of(learner)), **V1)
    person = response.json()
    assert person["objectType"] == "Person"
    assert person["account"] == [agent_of(learner)["account"]]
    assert person["mbox"] == [f"mailto:{learner.email}"]
    other = UserFactory()
    assert client.get(url("/xapi/agents", agent=agent_of(other)), **V1).status_code == 403


def test_activities_returns_the_definition_of_the_latest_statement(client, learner, monkeypatch):
    from lms.records import activities
    from lms.records.services import statements_record

    monkeypatch.setattr(activities, "_kinds", dict(activities._kinds))
    activities.register_activity_kind("practice", lambda user, keys: set(keys))
    activity = "urn:betterwork:practice:1"
    for name in ("Old name", "New name"):
        statements_record(
            actor=learner,
            statements={
                "id": str(uuid.uuid4()),
                "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                "object": {"id": activity, "definition": {"name": {"en": name}}},
            },
        )
        time.sleep(0.01)
    response = client.get(url("/xapi/activities", activityId=activity), **V1)
    assert response.json() == {
        "objectType": "Activity",
        "id": activity,
        "definition": {"name": {"en": "New name"}},
    }
    unknown = client.get(url("/xapi/activities", activityId="https://example.org/none"), **V1)
    assert unknown.json() == {"objectType": "Activity", "id": "https://example.org/none"}


@pytest.mark.parametrize("count", [1, 12])
def test_reading_and_listing_cost_the_same_whatever_the_number_of_documents(
    client, learner, count, django_assert_max_num_queries
):
    for index in range(count):
        put(client, state_url(learner, stateId=f"s{index}"), {"i": index})
    with django_assert_max_num_queries(4):
        assert len(client.get(state_url(learner), **V1).json()) == count
    with django_assert_max_num_queries(4):
        client.get(state_url(learner, stateId="s0"), **V1)
    with django_assert_max_num_queries(8):
        post(client, state_url(learner, stateId="s0"), {"more": True})
