"""Two writers at once on one State document: merges both land, a first write from two
requests at once makes one document, and of two conditional writers with the same ETag
exactly one wins. Row locks only mean something on PostgreSQL: run with
DATABASE_URL=postgres://... (CI's PostgreSQL pass); skipped on SQLite, whose IMMEDIATE
transactions serialise writers anyway."""

import json

import pytest
from django.db import connection

from lms.records.models import XapiDocument
from lms.records.xapi_documents import (
    DocumentScope,
    Kind,
    PreconditionFailed,
    Preconditions,
    document_get,
    document_post,
    document_put,
)
from lms.records.xapi_identities import agent_of, parse_agent
from tests.accounts.factories import UserFactory
from tests.concurrency import run_at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def _in_threads(work, items):
    return run_at_once(work, items)


@pytest.fixture
def scope():
    learner = UserFactory()
    return DocumentScope(
        kind=Kind.STATE,
        activity_id="https://example.org/activity",
        agent=parse_agent(agent_of(learner)),
    )


def test_merges_from_many_writers_at_once_all_land(scope):
    def merge(index):
        return document_post(
            scope=scope,
            document_id="progress",
            content=json.dumps({f"key{index}": index}).encode(),
            content_type="application/json",
        )

    _results, errors = _in_threads(merge, range(8))
    assert errors == []
    assert XapiDocument.objects.filter(document_id="progress").count() == 1
    stored = json.loads(bytes(document_get(scope=scope, document_id="progress").content))
    assert stored == {f"key{i}": i for i in range(8)}


def test_of_two_writers_with_the_same_etag_exactly_one_wins(scope):
    first = document_put(
        scope=scope, document_id="s", content=b'{"v":0}', content_type="application/json"
    )

    def write(value):
        return document_put(
            scope=scope,
            document_id="s",
            content=json.dumps({"v": value}).encode(),
            content_type="application/json",
            preconditions=Preconditions(if_match=[first.etag]),
        )

    results, errors = _in_threads(write, [1, 2])
    assert len(results) == 1
    assert len(errors) == 1
    assert isinstance(errors[0], PreconditionFailed)
    stored = json.loads(bytes(document_get(scope=scope, document_id="s").content))
    assert stored == json.loads(bytes(results[0].content))
