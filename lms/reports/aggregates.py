"""A median computed by the database, so that a country's or the programme's median of
monthly figures costs one grouped query whatever the number of factory-months.

PostgreSQL has the ordered-set aggregate ``percentile_cont(0.5) WITHIN GROUP (ORDER BY x)``
(the mean of the two middle values for an even count). SQLite has no median: the app
registers one on each SQLite connection (``connection_created``) that computes the same
value with :func:`statistics.median`, ignoring NULLs as SQL aggregates do."""

import statistics

from django.db.models import Aggregate, FloatField


class Median(Aggregate):
    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False

    def as_sqlite(self, compiler, connection, **extra_context):
        # A copy with SQLite's spelling (the filter clause wraps the template, so the
        # template is changed on the copy rather than passed along).
        clone = self.copy()
        clone.function = "LMS_MEDIAN"
        clone.template = "%(function)s(%(expressions)s)"
        return super(Median, clone).as_sql(compiler, connection, **extra_context)


class _SQLiteMedian:
    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(float(value))

    def finalize(self):
        return statistics.median(self.values) if self.values else None


def register_sqlite_median(sender, connection, **kwargs):
    """``connection_created`` receiver: teach a new SQLite connection ``LMS_MEDIAN``."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("LMS_MEDIAN", 1, _SQLiteMedian)
