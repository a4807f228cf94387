"""The statements table keeps only indexes some query needs, since each is one more entry
written with every statement (decision 0125): the lookups whose own indexes went are still
served by another, and no index is the leading part of another one. Columns most statements
leave empty (the client, the registration) are indexed only where set (decision 0126)."""

import uuid

import pytest
from django.db import connection

from lms.records.models import Statement, XapiClient
from lms.records.xapi_auth import xapi_client_issue
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def plan(queryset) -> str:
    """The database's plan for a queryset, with sequential scans discouraged on PostgreSQL
    (its choice for a table of a few rows says nothing about a large one)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def written_indexes() -> list[tuple[str, tuple[str, ...]]]:
    """Each index written with every statement (partial ones are not), by its columns."""
    found = []
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Statement._meta.db_table)
    partial = {index.name for index in Statement._meta.indexes if index.condition is not None}
    for name, info in constraints.items():
        if (info["index"] or info["primary_key"]) and name not in partial:
            found.append((name, tuple(info["columns"])))
    return found


TARGETING_INDEXES = ("records_targeted_by", "records_targeting_stored", "records_targeting_id")


def test_a_lookup_by_targeted_statement_reads_a_partial_index():
    """Comparing statement_ref with values implies the partial indexes' condition."""
    targets = [uuid.uuid4(), uuid.uuid4()]

    used = plan(Statement.objects.filter(statement_ref__in=targets).order_by().values("pk"))

    assert any(name in used for name in TARGETING_INDEXES), used


def test_a_lookup_by_actor_reads_an_index_that_starts_with_the_actor():
    learner = UserFactory()

    used = plan(Statement.objects.filter(actor=learner).order_by().values("pk"))

    assert "records_actor_activity_verb" in used or "records_actor_stored" in used, used


def test_no_written_index_is_the_leading_part_of_another():
    indexes = written_indexes()

    covered = [
        (name, other)
        for name, columns in indexes
        for other, other_columns in indexes
        if name != other and other_columns[: len(columns)] == columns
    ]

    assert covered == []
    assert ("records_actor_stored", ("actor_id", "stored")) in indexes


def test_the_indexes_no_query_needs_are_gone():
    names = {name for name, _columns in written_indexes()}

    assert not names & {"records_statement_ref", "records_kind_time"}
    assert not [name for name, columns in written_indexes() if columns == ("actor_id",)]


def test_a_lookup_by_registration_reads_its_partial_index():
    """The LRS's registration filter, newest first: "registration = x" implies the index's
    condition, so statements without a registration need no entry in it."""
    wanted = Statement.objects.filter(registration=uuid.uuid4()).order_by("-stored", "-id")

    used = plan(wanted.values("pk")[:100])

    assert "records_registration_stored" in used, used


def test_a_clients_statements_are_found_by_its_partial_index():
    learner = UserFactory()
    client, _secret = xapi_client_issue(
        name="Reader",
        people=XapiClient.People.PERSON,
        person=learner,
        activity_prefixes="https://example.org/",
    )

    used = plan(Statement.objects.filter(client__in=[client.pk]).values("pk")[:1])

    assert "records_client" in used, used


def test_a_statement_without_client_or_registration_writes_seven_index_entries():
    names = {name for name, _columns in written_indexes()}

    assert not names & {"records_client", "records_registration_stored"}
    assert len(names) == 7, sorted(names)
