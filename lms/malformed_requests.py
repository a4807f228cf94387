"""A request missing a field its form always sends is malformed, not a server fault.

Some views read request data by key (Wagtail's StreamField reads ``<name>-count`` from the
POST, formsets read their management form): a hand-made or truncated request then raises
``MultiValueDictKeyError`` deep inside the form. Nothing was saved; the right answer is
400, the page Django shows for a bad request, not a 500 and an error report.

A NUL character in the query string is malformed too: no keyboard types it, and PostgreSQL
refuses it in any text it is compared with (a 500 wherever a view filters on a parameter).
Form fields refuse it themselves (Django's ``ProhibitNullCharactersValidator``); the query
string is checked here, before any view reads it."""

import logging

from django.core.exceptions import SuspiciousOperation
from django.utils.datastructures import MultiValueDictKeyError
from django.views.defaults import bad_request

logger = logging.getLogger("django.security.MalformedRequest")


class MalformedRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.GET):
            logger.warning("NUL character in the query string of %s", request.path)
            return bad_request(request, SuspiciousOperation("NUL character in the query string"))
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, MultiValueDictKeyError):
            logger.warning("Field %s missing from %s %s", exception, request.method, request.path)
            return bad_request(request, exception)
        return None


def _has_nul(query) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in query.lists()
    )
