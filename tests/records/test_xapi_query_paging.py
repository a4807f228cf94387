"""Filtered statement queries compared with a plain reading of the specification (xAPI
1.0.3 Part Three §2.1.3, §2.1.4) on random data: chains of StatementRefs (some in cycles,
some to statements the store does not hold), voided statements, statements stored in the
same instant, and every page of the ``more`` links followed to the end.

The query has three ways of finding the statements that target a match (lms.records.
xapi_query._targeting_ids): bounded by a full page of matches, walking from the matches
when they are few, from the targeting statements when they are many. ``REVERSE_MAX`` is
lowered in some runs so that each way is taken on a small data set.
"""

import json
import random
import uuid

import pytest
from django.test import Client

from lms.records import xapi_query
from lms.records.models import Statement
from tests.accounts.factories import UserFactory
from tests.records.xapi_helpers import EXTERNAL, VOIDED, agent_of, issue, xapi, xstatement
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db

VERBS = [
    "http://adlnet.gov/expapi/verbs/passed",
    "http://adlnet.gov/expapi/verbs/failed",
    "http://activitystrea.ms/schema/1.0/confirm",
]
ACTIVITIES = [EXTERNAL + f"module-{n}" for n in range(3)]


def _ref(user, target_id, verb) -> dict:
    return xstatement(user, verb=verb, object={"objectType": "StatementRef", "id": target_id})


def _build(seed: int):
    """About 60 statements by three people, a third of them targeting another (earlier,
    later, missing or in a cycle), and a few voided; sent in small batches so that some
    share their ``stored``."""
    rng = random.Random(seed)
    people = [UserFactory() for _ in range(3)]
    registrations = [str(uuid.uuid4()) for _ in range(2)]
    statements = []
    for _ in range(60):
        person = rng.choice(people)
        verb = rng.choice(VERBS)
        if statements and rng.random() < 0.35:
            kind = rng.random()
            if kind < 0.1:
                target = str(uuid.uuid4())  # a statement the store does not hold
            elif kind < 0.2:
                target = None  # filled below: the next statement (a forward reference)
            else:
                target = rng.choice(statements)["id"]
            statement = _ref(person, target, verb)
        else:
            statement = xstatement(person, activity=rng.choice(ACTIVITIES), verb=verb)
            if rng.random() < 0.7:
                statement["context"] = {"registration": rng.choice(registrations)}
        statements.append(statement)
    for index, statement in enumerate(statements):
        if statement["object"].get("objectType") == "StatementRef" and (
            statement["object"]["id"] is None
        ):
            later = statements[(index + 1) % len(statements)]
            statement["object"]["id"] = later["id"]
    # A cycle of two.
    first, second = _ref(people[0], "", VERBS[2]), _ref(people[1], "", VERBS[0])
    first["object"]["id"], second["object"]["id"] = second["id"], first["id"]
    statements += [first, second]
    plain = [s for s in statements if s["object"].get("objectType") != "StatementRef"]
    # Four plain statements and one targeting another (the targeting ones still count).
    targeting = [s for s in statements[:60] if s["object"].get("objectType") == "StatementRef"]
    voided = rng.sample(plain, 4) + targeting[-1:]
    voidings = [_ref(people[0], target["id"], VOIDED) for target in voided]
    return people, registrations, statements, voidings


def _expected(statements, voidings, filters, *, ascending=False) -> list[str]:
    """Part Three §2.1.3 read plainly: a statement is returned when it, or a statement it
    targets through StatementRefs to any depth, meets every filter; voided statements are
    never returned."""
    everything = statements + voidings
    by_id = {s["id"]: s for s in everything}
    voided_ids = {s["object"]["id"] for s in voidings}

    def meets(statement) -> bool:
        obj = statement["object"]
        if "agent" in filters and statement["actor"] != filters["agent"]:
            return False
        if "verb" in filters and statement["verb"]["id"] != filters["verb"]:
            return False
        if "activity" in filters and (
            obj.get("objectType") == "StatementRef" or obj["id"] != filters["activity"]
        ):
            return False
        registration = statement.get("context", {}).get("registration")
        return "registration" not in filters or registration == filters["registration"]

    def matches(statement) -> bool:
        seen = set()
        while statement is not None and statement["id"] not in seen:
            if meets(statement):
                return True
            seen.add(statement["id"])
            obj = statement["object"]
            if obj.get("objectType") != "StatementRef":
                return False
            statement = by_id.get(obj["id"])
        return False

    rows = {
        str(row.pk): (row.stored, row.pk) for row in Statement.objects.filter(pk__in=list(by_id))
    }
    found = [s["id"] for s in everything if s["id"] not in voided_ids and matches(s)]
    return sorted(found, key=lambda i: rows[i], reverse=not ascending)


def _read_all(auth, params) -> tuple[list[str], int]:
    """Every page of a query, following ``more``; the ids and the number of pages."""
    client = Client()
    response = xapi(client, "GET", params=params, auth=auth)
    assert response.status_code == 200, response.content
    body = response.json()
    got, pages = [s["id"] for s in body["statements"]], 1
    while body["more"]:
        response = client.get(
            body["more"], HTTP_X_EXPERIENCE_API_VERSION="1.0.3", HTTP_AUTHORIZATION=auth
        )
        assert response.status_code == 200, response.content
        body = response.json()
        got += [s["id"] for s in body["statements"]]
        pages += 1
        assert pages < 100
    return got, pages


def _queries(people, registrations, rng):
    agent = {"agent": json.dumps(agent_of(rng.choice(people)))}
    return [
        {"verb": VERBS[0]},
        {"verb": VERBS[2]},
        {"activity": ACTIVITIES[1]},
        {"registration": registrations[0]},
        {**agent},
        {**agent, "verb": VERBS[1]},
        {**agent, "activity": ACTIVITIES[0]},
        {"verb": VERBS[0], "registration": registrations[1]},
    ]


@pytest.mark.parametrize(("seed", "reverse_max"), [(1, 0), (2, 3), (3, 1000)])
def test_every_page_holds_what_a_plain_reading_of_the_rule_returns(monkeypatch, seed, reverse_max):
    """0: always from the targeting statements; 3: from the matches when there are few;
    1000: from the matches whenever a page is not full."""
    monkeypatch.setattr(xapi_query, "REVERSE_MAX", reverse_max)
    _client, auth = issue(people="country", country=country("vn"), can_read=True)
    people, registrations, statements, voidings = _build(seed)
    for start in range(0, len(statements), 7):
        response = xapi(Client(), "POST", statements[start : start + 7], auth=auth)
        assert response.status_code == 200, response.content
    response = xapi(Client(), "POST", voidings, auth=auth)
    assert response.status_code == 200, response.content
    rng = random.Random(seed)
    for filters in _queries(people, registrations, rng):
        plain = {
            name: (json.loads(value) if name == "agent" else value)
            for name, value in filters.items()
        }
        for ascending in (False, True):
            expected = _expected(statements, voidings, plain, ascending=ascending)
            for limit in (3, 100):
                params = {**filters, "limit": limit, "ascending": str(ascending).lower()}
                got, pages = _read_all(auth, params)
                assert got == expected, (filters, ascending, limit)
                assert pages == max(1, -(-len(expected) // limit)), (filters, limit)


def test_a_page_of_matches_bounds_the_statement_ref_step_without_losing_a_targeting_one():
    """The newest statement targets the oldest match: with one match a page, it comes first
    (it is newer than every match), though the page of matches ends long before it."""
    _client, auth = issue(people="country", country=country("vn"), can_read=True)
    ben, andrew = UserFactory(), UserFactory()
    passed = [xstatement(ben, activity=ACTIVITIES[0], verb=VERBS[0]) for _ in range(4)]
    for statement in passed:
        assert xapi(Client(), "POST", statement, auth=auth).status_code == 200
    confirmation = _ref(andrew, passed[0]["id"], VERBS[2])
    assert xapi(Client(), "POST", confirmation, auth=auth).status_code == 200
    got, pages = _read_all(auth, {"verb": VERBS[0], "limit": 1})
    assert got == [confirmation["id"], *[s["id"] for s in reversed(passed)]]
    assert pages == 5


@pytest.mark.parametrize("size", [6, 30])
def test_full_pages_and_their_more_links_take_the_same_queries_at_two_sizes(
    django_assert_max_num_queries, size
):
    """A full page bounds the StatementRef step: the first page and the next through
    ``more`` each take the client, the page of matches and the page of targeting ones."""
    _client, auth = issue(people="country", country=country("vn"), can_read=True)
    ben, andrew = UserFactory(), UserFactory()
    batch = []
    for _ in range(size):
        passed = xstatement(ben, activity=ACTIVITIES[0], verb=VERBS[0])
        batch += [passed, _ref(andrew, passed["id"], VERBS[2])]
    assert xapi(Client(), "POST", batch, auth=auth).status_code == 200
    params = {"verb": VERBS[0], "limit": 4}
    xapi(Client(), "GET", params=params, auth=auth)  # the client's last use is written
    with django_assert_max_num_queries(3):
        first = xapi(Client(), "GET", params=params, auth=auth).json()
    assert len(first["statements"]) == 4
    with django_assert_max_num_queries(3):
        second = (
            Client()
            .get(first["more"], HTTP_X_EXPERIENCE_API_VERSION="1.0.3", HTTP_AUTHORIZATION=auth)
            .json()
        )
    assert len(second["statements"]) == 4
    assert not {s["id"] for s in first["statements"]} & {s["id"] for s in second["statements"]}
