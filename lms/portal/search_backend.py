"""The site's search backend: Wagtail's database backend, and on PostgreSQL its full-text
backend with the total number of hits counted in the same query as the page of hits (a
window count), so that a search runs its full-text match once instead of twice (the
paginator's count, then the page). The match itself uses the GIN index on the index
entries' ``title || body`` (migration ``portal.0004_search_vector_index``).

Two corrections to the library on every database (found by tests/crawl.py, each a 500 in the
admin's lists):
- a search with a filter on an annotation (the documents and images lists' usage count) failed
  the library's check that filters name indexed fields: an annotation has no field to name.
  These backends filter in the database itself, so the check has nothing to refuse there.
- on SQLite a search term holding a double quote ended the FTS5 string early (``fts5: syntax
  error``): FTS5 writes a quote inside a string as two quotes.
"""

from django.db import connection
from django.db.models import Count, Window
from wagtail.search.backends import database

TOTAL_FIELD = "search_total"


class AnnotationFiltersAllowed:
    def _get_filters_from_where_node(self, where_node, check_only=False):
        try:
            return super()._get_filters_from_where_node(where_node, check_only=check_only)
        except AttributeError:
            # ``lhs.target`` of an annotation; only the check reads filters on these backends.
            if check_only:
                return None
            raise


def _fts5_quotes_doubled() -> None:
    from modelsearch.backends.database.sqlite import query

    if getattr(query.Lexeme.as_sql, "doubles_quotes", False):
        return

    def as_sql(self, compiler, connection):
        template = '"%s"*' if self.prefix else '"%s"'
        return template, [self.value.replace('"', '""')]

    as_sql.doubles_quotes = True
    query.Lexeme.as_sql = as_sql


def SearchBackend(params):  # noqa: N802 (Wagtail looks the backend up by this name)
    if connection.vendor == "sqlite":
        from modelsearch.backends.database.sqlite.sqlite import (
            SQLiteAutocompleteQueryCompiler,
            SQLiteSearchBackend,
            SQLiteSearchQueryCompiler,
        )

        _fts5_quotes_doubled()

        class SQLiteCompiler(AnnotationFiltersAllowed, SQLiteSearchQueryCompiler):
            pass

        class SQLiteAutocompleteCompiler(AnnotationFiltersAllowed, SQLiteAutocompleteQueryCompiler):
            pass

        class SQLiteBackend(SQLiteSearchBackend):
            query_compiler_class = SQLiteCompiler
            autocomplete_query_compiler_class = SQLiteAutocompleteCompiler

        return SQLiteBackend(params)
    if connection.vendor != "postgresql":
        return database.SearchBackend(params)
    from wagtail.search.backends.database.postgres.postgres import (
        PostgresAutocompleteQueryCompiler,
        PostgresSearchBackend,
        PostgresSearchQueryCompiler,
    )

    class CountingQueryCompiler(AnnotationFiltersAllowed, PostgresSearchQueryCompiler):
        def _apply_ordering_and_scoring(
            self, queryset, rank_expression, start, stop, score_field=None
        ):
            queryset = queryset.annotate(**{TOTAL_FIELD: Window(Count("pk"))})
            return super()._apply_ordering_and_scoring(
                queryset, rank_expression, start, stop, score_field
            )

    class AutocompleteCompiler(AnnotationFiltersAllowed, PostgresAutocompleteQueryCompiler):
        pass

    class CountingSearchBackend(PostgresSearchBackend):
        query_compiler_class = CountingQueryCompiler
        autocomplete_query_compiler_class = AutocompleteCompiler

    return CountingSearchBackend(params)
