"""The site's search backend: Wagtail's database backend, and on PostgreSQL its full-text
backend with the total number of hits counted in the same query as the page of hits (a
window count), so that a search runs its full-text match once instead of twice (the
paginator's count, then the page). The match itself uses the GIN index on the index
entries' ``title || body`` (migration ``portal.0004_search_vector_index``)."""

from django.db import connection
from django.db.models import Count, Window
from wagtail.search.backends import database

TOTAL_FIELD = "search_total"


def SearchBackend(params):  # noqa: N802 (Wagtail looks the backend up by this name)
    if connection.vendor != "postgresql":
        return database.SearchBackend(params)
    from wagtail.search.backends.database.postgres.postgres import (
        PostgresSearchBackend,
        PostgresSearchQueryCompiler,
    )

    class CountingQueryCompiler(PostgresSearchQueryCompiler):
        def _apply_ordering_and_scoring(
            self, queryset, rank_expression, start, stop, score_field=None
        ):
            queryset = queryset.annotate(**{TOTAL_FIELD: Window(Count("pk"))})
            return super()._apply_ordering_and_scoring(
                queryset, rank_expression, start, stop, score_field
            )

    class CountingSearchBackend(PostgresSearchBackend):
        query_compiler_class = CountingQueryCompiler

    return CountingSearchBackend(params)
