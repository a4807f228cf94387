"""Insert many rows without making a model instance for each: ``bulk_create`` spends most
of its time building instances and preparing every field of every row, which makes
100,000 people take minutes on a small machine. Here the varying columns are prepared row
by row, every other column once, and the rows go to the database with ``executemany``
(``COPY`` on PostgreSQL).
For generated data sets only (no signals, no ``save()``, no validation)."""

from collections.abc import Iterable

from django.db import connections, router, transaction
from django.db.models import DateField
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

BATCH = 5000


def insert_rows(model, fields: list[str], rows: Iterable[tuple], **constants) -> int:
    """Insert ``rows`` (tuples of values for ``fields``, by field name) into ``model``'s
    table; the other fields take ``constants`` or their default (``auto_now``/
    ``auto_now_add`` dates: now). Returns the number of rows."""
    connection = connections[router.db_for_write(model)]
    varying = [model._meta.get_field(name) for name in fields]
    fixed, per_row = [], []
    now = timezone.now()
    for field in model._meta.concrete_fields:
        if field in varying or isinstance(field, AutoFieldMixin):
            continue
        if field.name in constants:
            fixed.append((field, constants[field.name]))
        elif field.has_db_default():
            continue  # the database fills it
        elif field.has_default() and callable(field.default):
            per_row.append(field)  # e.g. a fresh token for each row
        elif isinstance(field, DateField) and (field.auto_now or field.auto_now_add):
            fixed.append(
                (field, now if field.get_internal_type() == "DateTimeField" else now.date())
            )
        else:
            value = field.get_default()
            if value is None and not field.null:
                raise ValueError(f"{model.__name__}.{field.name} needs a value")
            fixed.append((field, value))
    fixed_values = tuple(field.get_db_prep_save(value, connection) for field, value in fixed)
    columns = (
        [f.column for f in varying] + [f.column for f in per_row] + [f.column for f, _v in fixed]
    )
    quote = connection.ops.quote_name
    # Names from the model, quoted; the values go as parameters (or through COPY).
    target = f"{quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)})"
    sql = f"INSERT INTO {target} VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    prepare = [_prepared(field, connection) for field in varying]
    count = 0
    batch = []

    def flush():
        # One transaction per batch: SQLite would otherwise commit (and sync) every row.
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: PostgreSQL takes the rows as one stream, three times faster.
                with cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
                    for values in batch:
                        copy.write_row(values)
            else:
                cursor.executemany(sql, batch)

    for row in rows:
        batch.append(
            (
                *(p(value) for p, value in zip(prepare, row, strict=True)),
                *(field.get_db_prep_save(field.get_default(), connection) for field in per_row),
                *fixed_values,
            )
        )
        if len(batch) == BATCH:
            flush()
            count += len(batch)
            batch = []
    if batch:
        flush()
        count += len(batch)
    return count


def analyze(*models) -> None:
    """Refresh the planner's statistics of the tables a bulk load filled (PostgreSQL's
    autovacuum would do it only later, and the first queries would plan with empty tables)."""
    for model in models:
        connection = connections[router.db_for_write(model)]
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _prepared(field, connection, remember: int = 1000):
    """``field.get_db_prep_save`` for one column, remembering the values of a column that
    repeats a few (a country, a date) and not those of a column of unique values."""
    known = {}

    def prepare(value):
        try:
            return known[value]
        except KeyError:
            result = field.get_db_prep_save(value, connection)
            if len(known) < remember:
                known[value] = result
            return result
        except TypeError:  # not hashable: a JSON document
            return field.get_db_prep_save(value, connection)

    return prepare
