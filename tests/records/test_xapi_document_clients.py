"""The document resources (State, Activity Profile, Agent Profile) for scoped Basic-auth
clients, and in the alternate request syntax; written from the xAPI 1.0.3 text:

- Part Three §4.1 (Authentication): the LRS MUST support HTTP Basic; it decides what the
  credentials may do, and answers 403 Forbidden to a request it refuses (401 when the
  credentials are missing or wrong).
- Part Three §1.3 (Alternate Request Syntax): a POST whose only query parameter is
  ``method``; the headers (``Authorization``, ``X-Experience-API-Version``,
  ``Content-Type``, ``If-Match``, ``If-None-Match`` ...) and the other parameters travel as
  form fields, the body as the ``content`` field. xAPI 2.0 (IEEE 9274.1.1) removed it.
- Part Three §1.2 / 2.0 §4.1.6 (concurrency): ``If-Match`` / ``If-None-Match`` that fail are
  412; a PUT over an existing profile without either is 409.
And an independent client library (TinCanPython) saving and reading a State document and an
activity profile over HTTP.
"""

import base64
import json
from urllib.parse import urlencode

import pytest
from django.test import Client

from lms.records.xapi_auth import xapi_client_revoke
from lms.records.xapi_document_models import XapiDocument
from lms.records.xapi_documents import DocumentScope, Kind, document_put
from lms.records.xapi_identities import agent_of, parse_agent
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.records.xapi_helpers import basic, issue
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db

STATE = "/xapi/activities/state"
ACTIVITY_PROFILE = "/xapi/activities/profile"
AGENT_PROFILE = "/xapi/agents/profile"
PREFIX = "https://partner.example.org/xapi/"
ACTIVITY = PREFIX + "safety-walk"
ELSEWHERE = "https://other.example.org/xapi/fire-drill"
V1 = "1.0.3"
FORM = "application/x-www-form-urlencoded"


def address(base, **params):
    if isinstance(params.get("agent"), dict):
        params["agent"] = json.dumps(params["agent"])
    return f"{base}?{urlencode(params)}"


def call(method, base, auth, body=None, version=V1, content_type="application/json", **params):
    headers = {"HTTP_AUTHORIZATION": auth, "HTTP_X_EXPERIENCE_API_VERSION": version}
    for name in ("HTTP_IF_MATCH", "HTTP_IF_NONE_MATCH"):
        if name in params:
            headers[name] = params.pop(name)
    target = address(base, **params)
    send = getattr(Client(), method.lower())
    if body is None:
        return send(target, **headers)
    data = body if isinstance(body, bytes) else json.dumps(body)
    return send(target, data, content_type=content_type, **headers)


def resource_params(resource, person, activity=ACTIVITY, document_id="doc"):
    """The parameters naming one document of ``resource`` for ``person``."""
    if resource == "state":
        return STATE, {"activityId": activity, "agent": agent_of(person), "stateId": document_id}
    if resource == "agent_profile":
        return AGENT_PROFILE, {"agent": agent_of(person), "profileId": document_id}
    return ACTIVITY_PROFILE, {"activityId": activity, "profileId": document_id}


def seed(resource, person, activity=ACTIVITY, document_id="doc", content=b'{"seed":1}'):
    """A stored document, written as the LMS would (no HTTP, no scope)."""
    agent = parse_agent(agent_of(person))
    kind = {
        "state": Kind.STATE,
        "agent_profile": Kind.AGENT_PROFILE,
        "activity_profile": Kind.ACTIVITY_PROFILE,
    }[resource]
    scope = DocumentScope(
        kind=kind,
        activity_id="" if resource == "agent_profile" else activity,
        agent=None if resource == "activity_profile" else agent,
    )
    return document_put(
        scope=scope, document_id=document_id, content=content, content_type="application/json"
    )


def send(method, resource, auth, person, activity=ACTIVITY, **extra):
    base, params = resource_params(resource, person, activity)
    body = {"v": 2} if method in {"PUT", "POST"} else None
    if method == "PUT" and resource != "state":
        # A profile that exists is only replaced with a precondition (409 otherwise).
        extra.setdefault("HTTP_IF_MATCH", "*")
    return call(method, base, auth, body, **params, **extra)


RESOURCES = ["state", "agent_profile", "activity_profile"]
METHODS = ["GET", "PUT", "POST", "DELETE"]


# --- Scope: who and what ------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("resource", RESOURCES)
def test_a_client_reaches_the_documents_of_its_people_and_activities(resource, method):
    person = UserFactory()
    seed(resource, person)
    _c, auth = issue(people="country", country=country("vn"), prefixes=PREFIX, can_read=True)
    response = send(method, resource, auth, person)
    assert response.status_code == (200 if method == "GET" else 204), response.content
    assert response["X-Experience-API-Version"] == "1.0.3"


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("resource", ["state", "agent_profile"])
def test_a_client_is_refused_another_countrys_people(resource, method):
    theirs = UserFactory(country=country("kh"))
    seed(resource, theirs)
    _c, auth = issue(people="country", country=country("vn"), prefixes=PREFIX, can_read=True)
    response = send(method, resource, auth, theirs)
    assert response.status_code == 403
    assert XapiDocument.objects.get().content == b'{"seed":1}'


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("resource", ["state", "activity_profile"])
def test_a_client_is_refused_activities_outside_its_prefixes(resource, method):
    person = UserFactory()
    seed(resource, person, activity=ELSEWHERE)
    _c, auth = issue(people="country", country=country("vn"), prefixes=PREFIX, can_read=True)
    response = send(method, resource, auth, person, activity=ELSEWHERE)
    assert response.status_code == 403
    assert XapiDocument.objects.get().content == b'{"seed":1}'


def test_person_and_organisation_scopes_hold_for_state():
    organisation = OrganisationFactory()
    member = UserFactory(organisation=organisation)
    outsider = UserFactory()  # the same country, another (no) organisation
    _c, by_org = issue(people="organisation", organisation=organisation, prefixes=PREFIX)
    _c, one = issue(people="person", person=member, prefixes=PREFIX)
    assert send("PUT", "state", by_org, member).status_code == 204
    assert send("PUT", "state", by_org, outsider).status_code == 403
    assert send("POST", "state", one, member).status_code == 204
    assert send("POST", "state", one, outsider).status_code == 403


def test_an_agent_who_is_no_person_of_the_site_is_outside_every_scope():
    person = UserFactory(email="worker@example.org")
    _c, auth = issue(people="country", country=country("vn"), prefixes=PREFIX, can_read=True)
    params = {"activityId": ACTIVITY, "stateId": "s"}
    by_mail = call(
        "PUT", STATE, auth, {"v": 1}, agent={"mbox": "mailto:worker@example.org"}, **params
    )
    assert by_mail.status_code == 204
    stranger = {"mbox": "mailto:stranger@example.org"}
    assert call("PUT", STATE, auth, {"v": 1}, agent=stranger, **params).status_code == 403
    assert call("GET", STATE, auth, agent=stranger, **params).status_code == 403
    inactive = UserFactory(is_active=False)
    assert send("PUT", "state", auth, inactive).status_code == 403
    assert XapiDocument.objects.get().owner == person


def test_a_read_only_client_reads_but_never_writes():
    person = UserFactory()
    _c, reader = issue(
        people="country", country=country("vn"), prefixes=PREFIX, can_read=True, can_write=False
    )
    for resource in RESOURCES:
        seed(resource, person)
        assert send("GET", resource, reader, person).status_code == 200
        for method in ("PUT", "POST", "DELETE"):
            assert send(method, resource, reader, person).status_code == 403, (resource, method)
    assert set(XapiDocument.objects.values_list("content", flat=True)) == {b'{"seed":1}'}


def test_a_write_only_client_does_not_read():
    person = UserFactory()
    _c, writer = issue(people="country", country=country("vn"), prefixes=PREFIX)
    assert send("PUT", "state", writer, person).status_code == 204
    assert send("GET", "state", writer, person).status_code == 403
    base, params = resource_params("state", person)
    del params["stateId"]
    assert call("GET", base, writer, **params).status_code == 403  # nor the list of ids


def test_wrong_and_revoked_credentials_are_401_and_nothing_is_written():
    person = UserFactory()
    client, auth = issue(people="country", country=country("vn"), prefixes=PREFIX)
    assert send("PUT", "state", basic(client.key, "wrong"), person).status_code == 401
    xapi_client_revoke(client=client)
    response = send("PUT", "state", auth, person)
    assert response.status_code == 401
    assert "Basic" in response["WWW-Authenticate"]
    assert not XapiDocument.objects.exists()


def test_the_lms_launch_data_stays_the_lms_s_for_clients():
    person = UserFactory()
    _c, auth = issue(people="country", country=country("vn"), prefixes=PREFIX, can_read=True)
    base, params = resource_params("state", person, document_id="LMS.LaunchData")
    assert call("PUT", base, auth, {"launchMode": "Normal"}, **params).status_code == 400
    assert call("DELETE", base, auth, **params).status_code == 400


def test_agents_and_activities_resources_follow_the_clients_scope():
    person = UserFactory(country=country("vn"))
    theirs = UserFactory(country=country("kh"))
    _c, reader = issue(people="country", country=country("vn"), prefixes=PREFIX, can_read=True)
    _c, writer = issue(people="country", country=country("vn"), prefixes=PREFIX)
    found = call("GET", "/xapi/agents", reader, agent=agent_of(person))
    assert found.status_code == 200
    assert found.json()["account"][0]["name"] == str(person.pk)
    assert call("GET", "/xapi/agents", reader, agent=agent_of(theirs)).status_code == 403
    assert call("GET", "/xapi/agents", writer, agent=agent_of(person)).status_code == 403
    assert call("GET", "/xapi/activities", reader, activityId=ACTIVITY).status_code == 200
    assert call("GET", "/xapi/activities", reader, activityId=ELSEWHERE).status_code == 403


def test_a_client_writes_the_activity_profiles_of_its_activities_with_concurrency():
    _c, auth = issue(people="country", country=country("vn"), prefixes=PREFIX, can_read=True)
    params = {"activityId": ACTIVITY, "profileId": "glossary"}
    assert call("PUT", ACTIVITY_PROFILE, auth, {"a": 1}, **params).status_code == 204
    assert call("PUT", ACTIVITY_PROFILE, auth, {"a": 2}, **params).status_code == 409
    etag = call("GET", ACTIVITY_PROFILE, auth, **params)["ETag"]
    assert (
        call("PUT", ACTIVITY_PROFILE, auth, {"a": 2}, HTTP_IF_MATCH=etag, **params).status_code
        == 204
    )
    stale = call("PUT", ACTIVITY_PROFILE, auth, {"a": 3}, HTTP_IF_MATCH=etag, **params)
    assert stale.status_code == 412
    assert call("GET", ACTIVITY_PROFILE, auth, **params).json() == {"a": 2}


# --- Alternate request syntax (1.0.3 Part Three §1.3) ---------------------------------------


def alternate(method, base, form, *, http=None, query=None):
    """POST ``?method=...`` with the form; ``query`` adds other query parameters (which the
    syntax forbids)."""
    params = {"method": method, **(query or {})}
    return (http or Client()).post(
        f"{base}?{urlencode(params)}", urlencode(form), content_type=FORM
    )


def state_form(auth, person, state_id="bookmark", **fields):
    return {
        "Authorization": auth,
        "X-Experience-API-Version": V1,
        "activityId": ACTIVITY,
        "agent": json.dumps(agent_of(person)),
        "stateId": state_id,
        **fields,
    }


def test_alternate_syntax_put_get_post_delete_on_state():
    person = UserFactory()
    _c, auth = issue(people="person", person=person, prefixes=PREFIX, can_read=True)
    put = alternate(
        "PUT",
        STATE,
        state_form(auth, person, **{"Content-Type": "application/json", "content": '{"page":7}'}),
    )
    assert put.status_code == 204, put.content
    etag = put["ETag"]
    got = alternate("GET", STATE, state_form(auth, person))
    assert got.status_code == 200
    assert got.json() == {"page": 7}
    assert got["ETag"] == etag
    assert got["Content-Type"] == "application/json"
    merged = alternate(
        "POST",
        STATE,
        state_form(auth, person, **{"Content-Type": "application/json", "content": '{"zoom":2}'}),
    )
    assert merged.status_code == 204
    assert alternate("GET", STATE, state_form(auth, person)).json() == {"page": 7, "zoom": 2}
    ids = state_form(auth, person)
    del ids["stateId"]
    assert alternate("GET", STATE, ids).json() == ["bookmark"]
    assert alternate("DELETE", STATE, state_form(auth, person)).status_code == 204
    assert alternate("GET", STATE, state_form(auth, person)).status_code == 404


def test_alternate_syntax_carries_if_match_and_if_none_match():
    person = UserFactory()
    _c, auth = issue(people="person", person=person, prefixes=PREFIX, can_read=True)
    body = {"Content-Type": "application/json"}
    first = alternate("PUT", STATE, state_form(auth, person, content='{"v":1}', **body))
    etag = first["ETag"]
    # If-None-Match: * creates only (412 when the document exists).
    again = state_form(auth, person, content='{"v":9}', **{"If-None-Match": "*"}, **body)
    assert alternate("PUT", STATE, again).status_code == 412
    # If-Match with the current ETag replaces; with a stale one it is 412.
    fresh = state_form(auth, person, content='{"v":2}', **{"If-Match": etag}, **body)
    assert alternate("PUT", STATE, fresh).status_code == 204
    stale = state_form(auth, person, content='{"v":3}', **{"If-Match": etag}, **body)
    assert alternate("PUT", STATE, stale).status_code == 412
    assert (
        alternate("DELETE", STATE, state_form(auth, person, **{"If-Match": etag})).status_code
        == 412
    )
    assert alternate("GET", STATE, state_form(auth, person)).json() == {"v": 2}
    # A GET with If-None-Match naming the current ETag has nothing new to send.
    current = alternate("GET", STATE, state_form(auth, person))["ETag"]
    unchanged = alternate("GET", STATE, state_form(auth, person, **{"If-None-Match": current}))
    assert unchanged.status_code == 304


def test_alternate_syntax_on_a_profile_needs_a_precondition_to_replace():
    _c, auth = issue(people="country", country=country("vn"), prefixes=PREFIX, can_read=True)
    form = {
        "Authorization": auth,
        "X-Experience-API-Version": V1,
        "Content-Type": "application/json",
        "activityId": ACTIVITY,
        "profileId": "glossary",
        "content": '{"a":1}',
    }
    assert alternate("PUT", ACTIVITY_PROFILE, form).status_code == 204
    assert alternate("PUT", ACTIVITY_PROFILE, {**form, "content": '{"a":2}'}).status_code == 409


def test_alternate_syntax_keeps_every_scope_refusal():
    person = UserFactory()
    theirs = UserFactory(country=country("kh"))
    _c, auth = issue(
        people="country", country=country("vn"), prefixes=PREFIX, can_read=True, can_write=False
    )
    content = {"Content-Type": "application/json", "content": "{}"}
    assert alternate("PUT", STATE, state_form(auth, person, **content)).status_code == 403
    assert alternate("GET", STATE, state_form(auth, theirs)).status_code == 403
    assert alternate("GET", STATE, state_form("Basic bm9wZTpub3Bl", person)).status_code == 401
    anonymous = state_form(auth, person)
    del anonymous["Authorization"]
    assert alternate("GET", STATE, anonymous).status_code == 401


def test_alternate_syntax_is_refused_under_2_0():
    person = UserFactory()
    _c, auth = issue(people="person", person=person, prefixes=PREFIX, can_read=True)
    form = state_form(auth, person, content='{"v":1}', **{"Content-Type": "application/json"})
    form["X-Experience-API-Version"] = "2.0.0"
    refused = alternate("PUT", STATE, form)
    assert refused.status_code == 400
    assert refused.json()["error"] == "alternate_syntax"
    # Also when the version travels as a header rather than a field.
    del form["X-Experience-API-Version"]
    refused = Client().post(
        f"{STATE}?method=PUT",
        urlencode(form),
        content_type=FORM,
        HTTP_X_EXPERIENCE_API_VERSION="2.0.0",
    )
    assert refused.status_code == 400
    assert not XapiDocument.objects.exists()


def test_alternate_syntax_takes_method_as_the_only_query_parameter_and_a_form():
    person = UserFactory()
    _c, auth = issue(people="person", person=person, prefixes=PREFIX, can_read=True)
    form = state_form(auth, person)
    assert alternate("GET", STATE, form, query={"stateId": "bookmark"}).status_code == 400
    assert alternate("PATCH", STATE, form).status_code == 400
    as_json = Client().post(
        f"{STATE}?method=GET", json.dumps(form), content_type="application/json"
    )
    assert as_json.status_code == 400


def test_alternate_syntax_from_a_session_needs_the_csrf_token():
    person = UserFactory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(person)
    form = state_form("", person, content='{"v":1}', **{"Content-Type": "application/json"})
    del form["Authorization"]
    assert alternate("PUT", STATE, form, http=browser).status_code == 403
    assert not XapiDocument.objects.exists()


def test_alternate_syntax_for_statements_shares_the_rules():
    person = UserFactory()
    _c, auth = issue(people="person", person=person, prefixes=PREFIX, can_read=True)
    form = {"Authorization": auth, "X-Experience-API-Version": "1.0.3"}
    response = alternate("GET", "/xapi/statements", form)
    assert response.status_code == 200
    assert response.json()["statements"] == []
    assert alternate("GET", "/xapi/statements", form, query={"limit": "1"}).status_code == 400
    form["X-Experience-API-Version"] = "2.0.0"
    assert alternate("GET", "/xapi/statements", form).status_code == 400


# --- Query budget ---------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 15])
def test_a_clients_document_requests_cost_the_same_whatever_the_numbers(
    count, django_assert_max_num_queries
):
    people = [UserFactory() for _ in range(count)]
    person = people[0]
    _c, auth = issue(people="country", country=country("vn"), prefixes=PREFIX, can_read=True)
    for index in range(count):
        seed("state", person, document_id=f"s{index}")
        seed("activity_profile", person, document_id=f"p{index}")
    base, params = resource_params("state", person, document_id="s0")
    call("GET", base, auth, **params)  # the client's last use is recorded once a minute
    with django_assert_max_num_queries(4):
        assert call("GET", base, auth, **params).status_code == 200
    with django_assert_max_num_queries(4):
        listing = {k: v for k, v in params.items() if k != "stateId"}
        assert len(call("GET", base, auth, **listing).json()) == count
    with django_assert_max_num_queries(8):
        assert call("POST", base, auth, {"more": True}, **params).status_code == 204
    with django_assert_max_num_queries(8):
        form = state_form(auth, person, state_id="s0", **{"If-None-Match": "*"})
        form.update({"Content-Type": "application/json", "content": "{}"})
        assert alternate("PUT", STATE, form).status_code == 412
    with django_assert_max_num_queries(4):
        profiles = call("GET", ACTIVITY_PROFILE, auth, activityId=ACTIVITY)
        assert len(profiles.json()) == count


# --- An independent client library ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_tincan_python_saves_and_reads_a_state_and_an_activity_profile(live_server):
    from tincan import Activity, Agent, RemoteLRS
    from tincan.documents import ActivityProfileDocument, StateDocument

    UserFactory(email="worker@example.org")
    client, auth = issue(people="country", country=country("vn"), prefixes=PREFIX, can_read=True)
    secret = base64.b64decode(auth.removeprefix("Basic ")).decode().split(":", 1)[1]
    lrs = RemoteLRS(endpoint=live_server.url + "/xapi/", username=client.key, password=secret)
    activity = Activity(id=ACTIVITY)
    agent = Agent(name="Worker", mbox="mailto:worker@example.org")

    saved = lrs.save_state(
        StateDocument(
            id="bookmark",
            activity=activity,
            agent=agent,
            content='{"page": 7}',
            content_type="application/json",
        )
    )
    assert saved.success, saved.data
    state = lrs.retrieve_state(activity, agent, "bookmark")
    assert state.success, state.data
    assert json.loads(state.content.content) == {"page": 7}
    ids = lrs.retrieve_state_ids(activity, agent)
    assert ids.success, ids.data
    assert ids.content == ["bookmark"]

    profile = lrs.save_activity_profile(
        ActivityProfileDocument(
            id="glossary",
            activity=activity,
            content='{"PPE": "personal protective equipment"}',
            content_type="application/json",
        )
    )
    assert profile.success, profile.data
    read = lrs.retrieve_activity_profile(activity, "glossary")
    assert read.success, read.data
    assert json.loads(read.content.content) == {"PPE": "personal protective equipment"}

    # Outside the client's activities: refused, and the library sees the refusal.
    refused = lrs.save_state(
        StateDocument(
            id="bookmark",
            activity=Activity(id=ELSEWHERE),
            agent=agent,
            content="{}",
            content_type="application/json",
        )
    )
    assert not refused.success
    assert refused.response.status == 403
