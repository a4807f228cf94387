"""Statements targeting statements in query results, written from xAPI 1.0.3 Part Three
§2.1.3 "Filter Conditions for StatementRefs" and §2.1.4 "Voided Statements" (the same text
in 2.0, IEEE 9274.1.1 §4.1.6.1):

- a statement whose object is a StatementRef meets the filters that are not time or
  sequence based (agent, verb, activity, registration) when the statement it targets meets
  them, recursively (a targets b targets c: a matches when c does);
- since, until and limit still apply to the targeting statement itself;
- a voided statement is never returned, this rule being no exception, but the statements
  targeting it are, the voiding statement included;
- a StatementRef in ``context.statement`` does not affect filtering;
- none of this applies to ``statementId`` / ``voidedStatementId``.
"""

import json
import uuid

import pytest
from django.test import Client

from lms.records.models import Statement
from lms.records.tokens import access_token_create
from tests.accounts.factories import UserFactory
from tests.records.xapi_helpers import EXTERNAL, VOIDED, agent_of, issue, xapi, xstatement
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db

PASSED = "http://adlnet.gov/expapi/verbs/passed"
CONFIRMED = "http://activitystrea.ms/schema/1.0/confirm"
ENDORSED = "http://activitystrea.ms/schema/1.0/endorse"
EXPLOSIVES = EXTERNAL + "explosives-training"


def targeting(user, target_id, verb=CONFIRMED) -> dict:
    return xstatement(user, verb=verb, object={"objectType": "StatementRef", "id": target_id})


@pytest.fixture
def ben():
    return UserFactory(display_name="Ben")


@pytest.fixture
def andrew():
    return UserFactory(display_name="Andrew")


@pytest.fixture
def reader():
    """A tool reading (and writing) for the people of Viet Nam."""
    _client, auth = issue(people="country", country=country("vn"), can_read=True)
    return auth


def ids(auth, **params) -> list[str]:
    response = xapi(Client(), "GET", params=params, auth=auth)
    assert response.status_code == 200, response.content
    return [s["id"] for s in response.json()["statements"]]


def post(auth, *statements):
    response = xapi(Client(), "POST", list(statements), auth=auth)
    assert response.status_code == 200, response.content


def test_the_specifications_example_ben_passed_andrew_confirmed(reader, ben, andrew):
    """'Ben passed explosives training', then 'Andrew confirmed <StatementRef>': with an
    actor filter of Ben or an activity filter of explosives training, both are returned."""
    passed = xstatement(ben, activity=EXPLOSIVES, verb=PASSED)
    confirmed = targeting(andrew, passed["id"])
    post(reader, passed)
    post(reader, confirmed)
    both = {passed["id"], confirmed["id"]}
    assert set(ids(reader, agent=json.dumps(agent_of(ben)))) == both
    assert set(ids(reader, activity=EXPLOSIVES)) == both
    assert set(ids(reader, verb=PASSED)) == both
    # Andrew's own statement matches by itself; Ben's does not target Andrew's.
    assert ids(reader, agent=json.dumps(agent_of(andrew))) == [confirmed["id"]]
    assert ids(reader, activity=EXTERNAL + "another-module") == []


def test_the_rule_applies_recursively(reader, ben, andrew):
    """'Statement a' is a match when a targets b which targets c and c matches."""
    carla = UserFactory()
    c = xstatement(ben, activity=EXPLOSIVES, verb=PASSED)
    b = targeting(andrew, c["id"])
    a = targeting(carla, b["id"], verb=ENDORSED)
    post(reader, c, b, a)
    assert set(ids(reader, activity=EXPLOSIVES)) == {a["id"], b["id"], c["id"]}
    assert set(ids(reader, verb=CONFIRMED)) == {a["id"], b["id"]}
    assert ids(reader, verb=ENDORSED) == [a["id"]]


def test_a_cycle_of_statement_refs_ends(reader, ben, andrew):
    first_id, second_id = str(uuid.uuid4()), str(uuid.uuid4())
    first = targeting(ben, second_id)
    first["id"] = first_id
    second = targeting(andrew, first_id, verb=ENDORSED)
    second["id"] = second_id
    post(reader, first, second)
    assert set(ids(reader, verb=ENDORSED)) == {first_id, second_id}
    assert ids(reader, verb=PASSED) == []


def test_every_filter_is_met_by_one_statement_of_the_chain(reader, ben, andrew):
    """Our reading of "the filter condition": the targeted statement meets the query's
    filters together, so Andrew's confirmation is not an Andrew-passed statement."""
    registration = str(uuid.uuid4())
    passed = xstatement(
        ben, activity=EXPLOSIVES, verb=PASSED, context={"registration": registration}
    )
    confirmed = targeting(andrew, passed["id"])
    post(reader, passed, confirmed)
    assert ids(reader, agent=json.dumps(agent_of(andrew)), verb=PASSED) == []
    assert set(ids(reader, registration=registration, verb=PASSED)) == {
        passed["id"],
        confirmed["id"],
    }
    assert ids(reader, registration=str(uuid.uuid4()), verb=PASSED) == []


def test_since_until_and_limit_apply_to_the_targeting_statement(reader, ben, andrew):
    passed = xstatement(ben, activity=EXPLOSIVES, verb=PASSED)
    confirmed = targeting(andrew, passed["id"])
    post(reader, passed)
    post(reader, confirmed)
    passed_at = Statement.objects.get(pk=passed["id"]).stored
    confirmed_at = Statement.objects.get(pk=confirmed["id"]).stored
    assert passed_at < confirmed_at
    # The original is outside the window, its confirmation inside: only the confirmation.
    assert ids(reader, activity=EXPLOSIVES, since=passed_at.isoformat()) == [confirmed["id"]]
    assert ids(reader, activity=EXPLOSIVES, until=passed_at.isoformat()) == [passed["id"]]
    # Newest first, one a page: the confirmation, then the original through "more".
    first = xapi(Client(), "GET", params={"activity": EXPLOSIVES, "limit": 1}, auth=reader)
    page = first.json()
    assert [s["id"] for s in page["statements"]] == [confirmed["id"]]
    second = Client().get(
        page["more"], HTTP_X_EXPERIENCE_API_VERSION="1.0.3", HTTP_AUTHORIZATION=reader
    )
    assert [s["id"] for s in second.json()["statements"]] == [passed["id"]]
    assert second.json()["more"] == ""


def test_a_voided_statement_is_left_out_but_statements_targeting_it_are_returned(
    reader, ben, andrew
):
    """§2.1.4: the LRS MUST NOT return a voided statement, the StatementRef rule being no
    exception, and MUST still return the statements targeting it, the voiding statement
    included."""
    passed = xstatement(ben, activity=EXPLOSIVES, verb=PASSED)
    confirmed = targeting(andrew, passed["id"])
    voiding = xstatement(
        ben, verb=VOIDED, object={"objectType": "StatementRef", "id": passed["id"]}
    )
    post(reader, passed, confirmed)
    post(reader, voiding)
    assert set(ids(reader, activity=EXPLOSIVES)) == {confirmed["id"], voiding["id"]}
    assert set(ids(reader, agent=json.dumps(agent_of(ben)))) == {confirmed["id"], voiding["id"]}
    assert ids(reader, verb=PASSED) == sorted(
        [confirmed["id"], voiding["id"]],
        key=lambda i: Statement.objects.get(pk=i).stored,
        reverse=True,
    )
    # Single retrieval is not touched by the rule (§2.1.3).
    client = Client()
    single = {"statementId": passed["id"]}
    assert xapi(client, "GET", params=single, auth=reader).status_code == 404
    voided = xapi(client, "GET", params={"voidedStatementId": passed["id"]}, auth=reader)
    assert voided.json()["id"] == passed["id"]


def test_a_voided_targeting_statement_is_left_out_and_its_voiding_returned(reader, ben, andrew):
    passed = xstatement(ben, activity=EXPLOSIVES, verb=PASSED)
    confirmed = targeting(andrew, passed["id"])
    post(reader, passed, confirmed)
    voiding = xstatement(
        andrew, verb=VOIDED, object={"objectType": "StatementRef", "id": confirmed["id"]}
    )
    post(reader, voiding)
    # voiding -> confirmed (voided, not returned) -> passed (matches).
    assert set(ids(reader, activity=EXPLOSIVES)) == {passed["id"], voiding["id"]}
    assert ids(reader, verb=CONFIRMED) == [voiding["id"]]


def test_a_statement_ref_in_context_does_not_affect_filtering(reader, ben, andrew):
    passed = xstatement(ben, activity=EXPLOSIVES, verb=PASSED)
    follow_up = xstatement(
        andrew,
        activity=EXTERNAL + "debrief",
        context={"statement": {"objectType": "StatementRef", "id": passed["id"]}},
    )
    post(reader, passed, follow_up)
    assert ids(reader, activity=EXPLOSIVES) == [passed["id"]]


# --- Who may read (the rule reveals nothing outside the caller's scope) -------------------


def test_without_credentials_the_query_is_refused(reader, ben, andrew):
    assert xapi(Client(), "GET", params={"activity": EXPLOSIVES}).status_code == 401


def test_a_person_learns_nothing_of_anothers_statement_through_their_own(reader, ben, andrew):
    """A person reads their own statements only: their confirmation of Ben's statement is
    not returned for Ben's filters, which would tell them what Ben's statement says."""
    passed = xstatement(ben, activity=EXPLOSIVES, verb=PASSED)
    confirmed = targeting(andrew, passed["id"])
    post(reader, passed, confirmed)
    _token, key = access_token_create(user=andrew, name="app")
    app = Client()
    app.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    assert (
        xapi(app, "GET", params={"verb": CONFIRMED}).json()["statements"][0]["id"]
        == (confirmed["id"])
    )
    assert xapi(app, "GET", params={"activity": EXPLOSIVES}).json()["statements"] == []
    by_ben = {"agent": json.dumps(agent_of(ben))}
    assert xapi(app, "GET", params=by_ben).json()["statements"] == []


def test_another_countrys_client_reads_none_of_it(reader, ben, andrew):
    passed = xstatement(ben, activity=EXPLOSIVES, verb=PASSED)
    post(reader, passed, targeting(andrew, passed["id"]))
    _client, elsewhere = issue(people="country", country=country("kh"), can_read=True)
    assert ids(elsewhere, activity=EXPLOSIVES) == []
    assert ids(elsewhere, verb=CONFIRMED) == []


def test_a_write_only_client_may_not_read(ben, andrew):
    _client, writer = issue(people="country", country=country("vn"))
    assert xapi(Client(), "GET", params={"activity": EXPLOSIVES}, auth=writer).status_code == 403


# --- Queries: constant in the number of statements and of targeting statements ----------


@pytest.mark.parametrize("size", [2, 20])
def test_the_query_count_does_not_grow_with_targeting_statements(
    reader, ben, andrew, django_assert_max_num_queries, size
):
    people = [UserFactory() for _ in range(3)]
    for number in range(size):
        passed = xstatement(ben, activity=EXPLOSIVES, verb=PASSED)
        chain = [passed, targeting(andrew, passed["id"])]
        chain.append(targeting(people[number % 3], chain[-1]["id"], verb=ENDORSED))
        post(reader, *chain, xstatement(people[number % 3], activity=EXTERNAL + "other"))
    params = {"agent": json.dumps(agent_of(ben)), "activity": EXPLOSIVES, "limit": 100}
    xapi(Client(), "GET", params=params, auth=reader)  # the client's last use is written
    # Client, person lookup for the agent, the statements naming the agent and the
    # activity elsewhere than in columns (one each), the matching page, the targeting page.
    with django_assert_max_num_queries(6):
        response = xapi(Client(), "GET", params=params, auth=reader)
    assert len(response.json()["statements"]) == 3 * size
