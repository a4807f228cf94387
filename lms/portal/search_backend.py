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

On SQLite, a search ordered by relevance runs its full-text match twice per search instead of
once per hit: the library ranked each hit with a correlated subquery that repeated the whole
match (416 hits of the bench's common word, 416 matches: 77 ms of CPU a request). Here the
hits and their bm25 scores come from one FTS5 query, the queryset's filters (live, public,
locale) keep theirs in a second, and the page and the total come from those two lists.

Both list a search's hits as ids, best first, with their total (``ranked_pks``): the portal's
search keeps that list per words, language and content generation (decision 0034), so the
same search again and its next pages run no full-text query.
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


def _sqlite_ranked_pks(compiler, config) -> list | None:
    """The primary keys of every hit the compiler's queryset keeps, best first (ties newest
    first, as the library orders them); None when the library's own way applies: no
    ranking, or a negated or match-all query."""
    from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
    from modelsearch.backends.database.sqlite.sqlite import SQLiteFTSIndexEntry
    from modelsearch.query import MatchAll, Not
    from modelsearch.utils import get_descendants_content_types_pks

    query = normalize(compiler.query)
    if not compiler.order_by_relevance or isinstance(query, (MatchAll, Not)):
        return None
    match = MatchExpression(
        compiler.fields or compiler.FTS_TABLE_FIELDS,
        compiler.build_search_query(query, config=config),
    )
    model = compiler.queryset.model
    hits = (
        SQLiteFTSIndexEntry.objects.filter(match)
        .filter(index_entry__content_type__in=get_descendants_content_types_pks(model))
        .annotate(score=compiler._build_rank_expression(compiler.get_search_vectors(), config))
    )
    to_pk = model._meta.pk.to_python
    scores = {
        to_pk(object_id): score
        for object_id, score in hits.values_list("index_entry__object_id", "score")
    }
    kept = compiler.queryset.filter(pk__in=hits.values("index_entry__object_id"))
    # bm25 is lower for a better hit.
    return sorted(
        (pk for pk in kept.values_list("pk", flat=True) if pk in scores),
        key=lambda pk: (scores[pk], -pk),
    )


def SearchBackend(params):  # noqa: N802 (Wagtail looks the backend up by this name)
    if connection.vendor == "sqlite":
        from modelsearch.backends.database.sqlite.sqlite import (
            SQLiteAutocompleteQueryCompiler,
            SQLiteSearchBackend,
            SQLiteSearchQueryCompiler,
            SQLiteSearchResults,
        )

        _fts5_quotes_doubled()

        class SQLiteCompiler(AnnotationFiltersAllowed, SQLiteSearchQueryCompiler):
            ranked = ...  # not yet asked; kept for the count and every page of one search

        class RankedOnceResults(SQLiteSearchResults):
            def _ranked(self):
                compiler = self.query_compiler
                if not isinstance(compiler, SQLiteCompiler):
                    return None  # autocomplete (the admin's choosers): the library's own way
                if compiler.ranked is ...:
                    compiler.ranked = _sqlite_ranked_pks(
                        compiler, compiler.get_config(self.backend)
                    )
                return compiler.ranked

            def _do_search(self):
                ranked = None if self._score_field else self._ranked()
                if ranked is None:
                    return super()._do_search()
                wanted = ranked[self.start : self.stop]
                found = self.query_compiler.queryset.filter(pk__in=wanted).in_bulk()
                return [found[pk] for pk in wanted if pk in found]

            def _do_count(self):
                ranked = self._ranked()
                if ranked is None:
                    return super()._do_count()
                return len(ranked[self.start : self.stop])

            def ranked_pks(self, limit: int):
                ranked = None if self._score_field else self._ranked()
                if ranked is None:
                    return None
                return ranked[:limit], len(ranked)

        class SQLiteAutocompleteCompiler(AnnotationFiltersAllowed, SQLiteAutocompleteQueryCompiler):
            pass

        class SQLiteBackend(SQLiteSearchBackend):
            query_compiler_class = SQLiteCompiler
            results_class = RankedOnceResults
            autocomplete_query_compiler_class = SQLiteAutocompleteCompiler

        return SQLiteBackend(params)
    if connection.vendor != "postgresql":
        return database.SearchBackend(params)
    from wagtail.search.backends.database.postgres.postgres import (
        PostgresAutocompleteQueryCompiler,
        PostgresSearchBackend,
        PostgresSearchQueryCompiler,
        PostgresSearchResults,
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

    class CountingResults(PostgresSearchResults):
        def ranked_pks(self, limit: int):
            from modelsearch.query import MatchAll, Not

            compiler = self.query_compiler
            if (
                not isinstance(compiler, CountingQueryCompiler)
                or not compiler.order_by_relevance
                or self._score_field
                or isinstance(compiler.query, (MatchAll, Not))
            ):
                return None  # no window count in these queries: the library's own way
            config = compiler.get_config(self.backend)
            queryset = compiler.search(config, 0, limit, backend=self.backend)
            rows = list(queryset.values_list("pk", TOTAL_FIELD))
            return [pk for pk, _total in rows], rows[0][1] if rows else 0

    class CountingSearchBackend(PostgresSearchBackend):
        query_compiler_class = CountingQueryCompiler
        results_class = CountingResults
        autocomplete_query_compiler_class = AutocompleteCompiler

    return CountingSearchBackend(params)
