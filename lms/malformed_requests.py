"""A request missing a field its form always sends is malformed, not a server fault.

Some views read request data by key (Wagtail's StreamField reads ``<name>-count`` from the
POST, formsets read their management form): a hand-made or truncated request then raises
``MultiValueDictKeyError`` deep inside the form. Nothing was saved; the right answer is
400, the page Django shows for a bad request, not a 500 and an error report."""

import logging

from django.utils.datastructures import MultiValueDictKeyError
from django.views.defaults import bad_request

logger = logging.getLogger("django.security.MalformedRequest")


class MalformedRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, MultiValueDictKeyError):
            logger.warning("Field %s missing from %s %s", exception, request.method, request.path)
            return bad_request(request, exception)
        return None
