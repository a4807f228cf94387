"""The statement endpoint: ``POST /api/records/statements`` with one statement or a batch."""

import json

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.records.services import StatementError, statements_record

MAX_BODY_BYTES = 512 * 1024


def _error(status, code, message, index=None):
    body = {"error": code, "detail": message}
    if index is not None:
        body["index"] = index
    return JsonResponse(body, status=status)


@require_POST
def statements(request):
    if not request.user.is_authenticated:
        return _error(401, "unauthenticated", _("Sign in to record your learning."))
    if len(request.body) > MAX_BODY_BYTES:
        return _error(413, "too_large", _("This request is too large."))
    try:
        payload = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return _error(400, "invalid_json", _("The request body is not valid JSON."))
    try:
        outcome = statements_record(actor=request.user, statements=payload)
    except StatementError as error:
        return _error(error.status, error.code, error.message, error.index)
    return JsonResponse({"ids": outcome.ids, "stored": len(outcome.created)}, status=200)
