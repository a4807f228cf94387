"""Installed only by ``lms.settings.bench``: tells the load driver how many database
queries each response cost, in an ``X-Query-Count`` header."""

from contextlib import ExitStack

from django.db import connections

QUERY_COUNT_HEADER = "X-Query-Count"


class QueryCounter:
    """A database execute wrapper that counts every query (and each ``executemany`` once)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = QueryCounter()
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(counter))
            response = self.get_response(request)
        response[QUERY_COUNT_HEADER] = str(counter.count)
        return response
