"""A median computed by the database, so that a country's or the programme's median of
monthly figures costs one grouped query whatever the number of factory-months.

PostgreSQL has the ordered-set aggregate ``percentile_cont(0.5) WITHIN GROUP (ORDER BY x)``
(the mean of the two middle values for an even count). SQLite has no median: the app
registers one on each SQLite connection (``connection_created``) that computes the same
value with :func:`median_of`, ignoring NULLs as SQL aggregates do."""

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


def median_of(values: list[float]) -> float | None:
    """The median as PostgreSQL's ``percentile_cont(0.5)`` computes it, to the last bit:
    the middle value of an odd count; for an even count the lower middle value plus half
    the distance to the upper one (``lo + 0.5 * (hi - lo)``, which can differ in the last
    bit from ``(lo + hi) / 2``, enough to round the other way). ``values`` is sorted in
    place; ``None`` when empty."""
    if not values:
        return None
    values.sort()
    middle = 0.5 * (len(values) - 1)
    lo = int(middle)
    if lo == middle:
        return values[lo]
    low, high = values[lo], values[lo + 1]
    return low + (middle - lo) * (high - low)


class _SQLiteMedian:
    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(float(value))

    def finalize(self):
        return median_of(self.values)


def register_sqlite_median(sender, connection, **kwargs):
    """``connection_created`` receiver: teach a new SQLite connection ``LMS_MEDIAN``."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("LMS_MEDIAN", 1, _SQLiteMedian)
