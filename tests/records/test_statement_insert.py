"""Decision 0627: one statement's INSERT composed once per connection (prepared on
PostgreSQL) stores the row ``bulk_create`` stores, with the same errors; the learner's page
version replaced with one write."""

import datetime as dt
import uuid

import pytest
from django.core.cache import caches
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lms import learner_page_cache
from lms.records import statement_insert
from lms.records.models import Statement
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

WHEN = timezone.now() - dt.timedelta(minutes=3)
COLUMNS = [
    field.attname
    for field in Statement._meta.concrete_fields
    if field.attname not in {"id", "stored"}
]


def _statement(actor, **changes) -> Statement:
    values = {
        "id": uuid.uuid4(),
        "actor": actor,
        "verb": "http://adlnet.gov/expapi/verbs/answered",
        "activity": "urn:betterwork:question:17",
        "activity_kind": "question",
        "parent_activity": "urn:betterwork:lesson:4",
        "score_scaled": 0.5,
        "score_raw": 1.0,
        "score_max": 2.0,
        "self_reported": True,
        "success": False,
        "completion": True,
        "registration": uuid.uuid4(),
        "timestamp": WHEN,
        "content_hash": "c" * 64,
        "data": {"verb": {"display": {"vi": "đã trả lời"}}, "result": {"response": "a"}},
    }
    values.update(changes)
    return Statement(**values)


def _row(statement_id) -> dict:
    return Statement.objects.filter(id=statement_id).values(*COLUMNS, "stored").get()


def test_the_composed_insert_stores_the_row_bulk_create_stores():
    person = UserFactory()
    registration = uuid.uuid4()
    first = _statement(person, registration=registration)
    statement_insert.statements_insert([first])  # composes the query on this connection
    composed = _statement(person, registration=registration)
    statement_insert.statements_insert([composed])  # runs it with the values prepared
    reference = _statement(person, registration=registration)
    Statement.objects.bulk_create([reference])

    before = timezone.now()
    rows = [_row(s.id) for s in (first, composed, reference)]
    for row in rows:
        stored = row.pop("stored")
        assert before - dt.timedelta(minutes=1) < stored <= before
    assert rows[0] == rows[1] == rows[2]
    assert rows[1]["data"] == composed.data
    assert not composed._state.adding
    assert composed._state.db == "default"


def test_empty_values_and_a_statement_without_a_score_are_stored_alike():
    person = UserFactory()
    empty = {
        "parent_activity": "",
        "score_scaled": None,
        "score_raw": None,
        "score_max": None,
        "self_reported": False,
        "success": None,
        "completion": None,
        "registration": None,
        "data": {},
    }
    statement_insert.statements_insert([_statement(person)])
    composed = _statement(person, **empty)
    statement_insert.statements_insert([composed])
    reference = _statement(person, **empty)
    Statement.objects.bulk_create([reference])
    first, second = _row(composed.id), _row(reference.id)
    first.pop("stored"), second.pop("stored")
    assert first == second


def test_the_query_is_composed_once_per_connection(monkeypatch):
    person = UserFactory()
    statement_insert.statements_insert([_statement(person)])
    composed = []
    real = statement_insert._ComposedInsert.__init__

    def counting(self, *args):
        composed.append(1)
        real(self, *args)

    monkeypatch.setattr(statement_insert._ComposedInsert, "__init__", counting)
    with CaptureQueriesContext(connection) as captured:
        for _ in range(3):
            statement_insert.statements_insert([_statement(person)])
    assert composed == []
    inserts = [q for q in captured.captured_queries if "INSERT" in q["sql"]]
    assert len(inserts) == 3  # each run is one query, counted and logged


def test_an_id_stored_already_is_an_integrity_error_and_stays_unsaved():
    person = UserFactory()
    stored = _statement(person)
    statement_insert.statements_insert([stored])
    again = _statement(person, id=stored.id)
    with pytest.raises(IntegrityError), transaction.atomic():
        statement_insert.statements_insert([again])
    assert again._state.adding
    assert Statement.objects.filter(id=stored.id).count() == 1


def test_a_batch_still_goes_through_bulk_create(monkeypatch):
    person = UserFactory()
    batch = [_statement(person) for _ in range(3)]
    monkeypatch.setattr(
        statement_insert._ComposedInsert,
        "for_connection",
        lambda *args: pytest.fail("a batch is the ORM's"),
    )
    statement_insert.statements_insert(batch)
    assert Statement.objects.filter(id__in=[s.id for s in batch]).count() == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_the_insert_is_prepared_on_the_connection():
    person = UserFactory()
    for _ in range(7):
        statement_insert.statements_insert([_statement(person)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert [p for p in prepared if 'INSERT INTO "records_statement"' in p]
    assert Statement.objects.filter(actor=person).count() == 7


def test_one_learners_version_is_replaced_with_one_write_and_several_together(monkeypatch):
    cache = caches["pages"]
    one = learner_page_cache.learner_key(101)
    two = learner_page_cache.learner_key(102)
    cache.set_many({one: "old", two: "old"}, timeout=None)
    writes = []
    real_set, real_set_many = cache.set, cache.set_many
    monkeypatch.setattr(cache, "set", lambda *a, **k: writes.append("set") or real_set(*a, **k))
    monkeypatch.setattr(
        cache, "set_many", lambda *a, **k: writes.append("set_many") or real_set_many(*a, **k)
    )

    learner_page_cache._replace_versions({one})
    assert cache.get(one) not in {None, "old"}
    assert cache.get(two) == "old"
    learner_page_cache._replace_versions({one, two})
    assert cache.get(one) == cache.get(two) != "old"
    # (a store without its own set_many writes each key with set after that)
    assert writes[:2] == ["set", "set_many"]
