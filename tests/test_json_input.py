"""JSON from outside: one parser refuses what JSON is not (NaN, Infinity), bytes that are not
UTF-8, and nesting deep enough to exhaust the stack, and every JSON endpoint answers such a
body with 400 and a reason, never 500."""

import uuid

import pytest

from lms.json_input import MAX_DEPTH, InvalidJSON, loads, nesting_depth
from tests.accounts.factories import UserFactory

DEEP = "[" * 3000 + "]" * 3000  # deeper than Python's recursion limit
JUST_TOO_DEEP = '{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1)
HOSTILE_BODIES = [
    DEEP,
    JUST_TOO_DEEP,
    '{"score": NaN}',
    '{"score": Infinity}',
    "[-Infinity]",
    b"\xff\xfe{}",
    "{not json",
]


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ("[]", 1),
        ('[{"a": [1]}]', 3),
        ('{"a": "[[[[{{{"}', 1),
        (r'["\"[[[", []]', 2),
        (r'"\\" [[]]', 2),
    ],
)
def test_nesting_is_counted_outside_strings(text, depth):
    assert nesting_depth(text) == depth


def test_ordinary_json_is_parsed_and_an_empty_body_is_the_default():
    assert loads(b'{"a": [1, 2.5, "\xc3\xa1"]}') == {"a": [1, 2.5, "á"]}
    assert loads(b"\xef\xbb\xbf[1]") == [1]
    assert loads(b"", default={}) == {}
    nested = '{"a":' * MAX_DEPTH + "1" + "}" * MAX_DEPTH
    assert loads(nested)["a"]["a"]


@pytest.mark.parametrize("body", HOSTILE_BODIES, ids=range(len(HOSTILE_BODIES)))
def test_hostile_bodies_are_refused_as_invalid_json(body):
    with pytest.raises(InvalidJSON):
        loads(body)
    assert issubclass(InvalidJSON, ValueError)


@pytest.fixture
def signed_in(client, db):
    person = UserFactory(roles=["worker"])
    client.force_login(person)
    return client


@pytest.mark.parametrize("body", HOSTILE_BODIES, ids=range(len(HOSTILE_BODIES)))
@pytest.mark.parametrize(
    "path",
    [
        "/api/records/statements",
        f"/api/interactive/h5p/{uuid.UUID(int=7)}/statements",
        f"/api/interactive/h5p/{uuid.UUID(int=8)}/state",
        "/api/interactive/scorm/1/attempts",
    ],
)
def test_the_learners_json_endpoints_answer_400_with_a_reason(signed_in, path, body):
    response = signed_in.post(path, data=body, content_type="application/json")
    assert response.status_code == 400, response.content[:200]
    assert response.json()["error"] == "invalid_json"


@pytest.mark.parametrize("body", HOSTILE_BODIES, ids=range(len(HOSTILE_BODIES)))
def test_the_anonymous_reach_endpoint_answers_400(client, db, body):
    response = client.post("/api/media/reach", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_json"
