"""One statement's INSERT, composed by the ORM once per database connection and prepared on
PostgreSQL (decision 0627).

``Statement.objects.bulk_create([statement])`` composes the same INSERT of 19 columns on
every write (the query, its placeholders, each value prepared for the database) and sends
its text, which PostgreSQL parses afresh each time. Here the ORM composes it once per
connection: later writes only prepare the values, with the compiler's own steps (each
field's ``pre_save`` then ``get_db_prep_save``, as ``bulk_create`` does), and run the
query through the server-binding cursor the person's query uses
(``lms.accounts.backends.server_bound_cursor``), which psycopg prepares after a few runs.
A batch of several statements keeps ``bulk_create`` (on PostgreSQL one ``UNNEST`` query
whatever its size)."""

import weakref

from django.db import connections
from django.db.models.sql import InsertQuery

from lms.accounts.backends import server_bound_cursor
from lms.records.models import Statement


class _ComposedInsert:
    """The INSERT of one statement on one connection: its SQL and the compiler whose steps
    prepare the values."""

    _known: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def __init__(self, connection, statement):
        self.fields = [field for field in Statement._meta.concrete_fields if not field.generated]
        query = InsertQuery(Statement)
        query.insert_values(self.fields, [statement])
        self.compiler = query.get_compiler(connection=connection)
        composed = self.compiler.as_sql()
        (self.sql, self.first_params), *more = composed
        # Exactly one row of plain placeholders, nothing returned: anything else (a field
        # with its own placeholder, a column the database fills in) goes through the ORM.
        self.usable = (
            not more
            and not self.compiler.returning_fields
            and len(self.first_params) == len(self.fields)
            and self.sql.count("%s") == len(self.fields)
            and not any(hasattr(field, "get_placeholder") for field in self.fields)
        )

    @classmethod
    def for_connection(cls, connection, statement):
        """The composed INSERT of this connection (connections are per thread), and the
        parameters of its first run when it was composed for this statement."""
        composed = cls._known.get(connection)
        if composed is None:
            composed = cls._known[connection] = cls(connection, statement)
            return composed, composed.first_params
        return composed, None

    def params(self, statement) -> list:
        compiler = self.compiler
        return [
            compiler.prepare_value(field, compiler.pre_save_val(field, statement))
            for field in self.fields
        ]


def statements_insert(statements: list[Statement]) -> None:
    """Insert new statements as ``Statement.objects.bulk_create(statements)`` does (inside the
    caller's transaction): the same row, the same errors (an id stored already is an
    ``IntegrityError``), the instances marked as saved."""
    manager = Statement.objects
    if len(statements) != 1 or statements[0].pk is None:
        manager.bulk_create(statements)
        return
    statement = statements[0]
    statement._prepare_related_fields_for_save(operation_name="bulk_create")
    connection = connections[manager.db]
    composed, params = _ComposedInsert.for_connection(connection, statement)
    if not composed.usable:
        manager.bulk_create(statements)
        return
    if params is None:
        params = composed.params(statement)
    with server_bound_cursor(connection) as cursor:
        cursor.execute(composed.sql, params)
    statement._state.adding = False
    statement._state.db = connection.alias
