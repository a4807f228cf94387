"""The statement endpoint: ``POST /api/records/statements`` with one statement or a batch."""

from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from lms import json_input
from lms.accounts.exposure import own_data
from lms.records.services import StatementError, statements_record
from lms.records.tokens import user_for_access_token

MAX_BODY_BYTES = 512 * 1024


def _error(status, code, message, index=None, field=None):
    body = {"error": code, "detail": message}
    if index is not None:
        body["index"] = index
    if field:
        body["field"] = field
    return JsonResponse(body, status=status)


def _csrf_refusal(request):
    """The session's CSRF check, applied by hand: requests with a key skip it (they carry
    no cookie a third-party site could ride on), browser requests do not."""
    return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {})


@own_data
@csrf_exempt
@require_POST
def statements(request):
    authorization = request.headers.get("Authorization", "")
    if authorization.startswith("Bearer "):
        actor = user_for_access_token(authorization.removeprefix("Bearer ").strip())
        if actor is None:
            return _error(401, "invalid_token", _("This recording key is not valid."))
    else:
        if not request.user.is_authenticated:
            return _error(401, "unauthenticated", _("Sign in to record your learning."))
        if _csrf_refusal(request) is not None:
            return _error(403, "csrf", _("The page is out of date: reload it and try again."))
        actor = request.user
    if len(request.body) > MAX_BODY_BYTES:
        return _error(413, "too_large", _("This request is too large."))
    try:
        payload = json_input.loads(request.body, default=None)
    except json_input.InvalidJSON:
        return _error(400, "invalid_json", _("The request body is not valid JSON."))
    try:
        outcome = statements_record(actor=actor, statements=payload)
    except StatementError as error:
        return _error(error.status, error.code, error.message, error.index, error.field)
    return JsonResponse({"ids": outcome.ids, "stored": len(outcome.created)}, status=200)
