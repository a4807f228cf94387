"""The xAPI Statement resource at ``/xapi/statements`` (xAPI 1.0.3 Part Three §2.1; IEEE
9274.1.1 for 2.0): PUT, POST, GET and HEAD, the 1.0.3 alternate request syntax (Part Three
§1.3; removed in 2.0, so refused there), and the learner's download of their own
statements."""

import json

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.utils.http import http_date, urlencode
from django.utils.translation import gettext as _

from lms import json_input
from lms.accounts.exposure import own_data
from lms.records.services import StatementError
from lms.records.xapi_alternate import AlternateSyntaxError, XapiCall, xapi_call
from lms.records.xapi_attachments import (
    attachments_check_parts,
    attachments_store,
    multipart_parse,
    multipart_response_body,
)
from lms.records.xapi_auth import XapiPrincipal, csrf_refused, xapi_authenticate
from lms.records.xapi_query import (
    QueryError,
    statement_json,
    statement_single,
    statements_query,
)
from lms.records.xapi_statements import consistent_through, xapi_statements_store
from lms.records.xapi_version import CONSISTENT_THROUGH, xapi_endpoint


def _error(status, code, message, **extra):
    return JsonResponse({"error": code, "detail": message, **extra}, status=status)


def _languages(request) -> list[str]:
    header = request.headers.get("Accept-Language", "")
    return [part.split(";")[0].strip() for part in header.split(",") if part.strip()]


@xapi_endpoint
@own_data
def statements(request):
    try:
        call = xapi_call(request, is_2=request.xapi_version.is_2)
    except RequestDataTooBig:
        return _error(413, "too_large", _("This request is too large."))
    except AlternateSyntaxError as error:
        return _error(error.status, error.code, error.message)
    principal = xapi_authenticate(request)
    if principal is None:
        response = _error(401, "unauthenticated", _("Sign in, or send a key, to use the LRS."))
        response["WWW-Authenticate"] = 'Basic realm="xAPI"'
        return response
    if csrf_refused(request, principal):
        return _error(403, "csrf", _("The page is out of date: reload it and try again."))
    if call.method in ("GET", "HEAD"):
        return _read(request, call, principal)
    if call.method in ("PUT", "POST"):
        return _write(request, call, principal)
    response = _error(405, "method", _("The statement resource answers GET, HEAD, PUT and POST."))
    response["Allow"] = "GET, HEAD, PUT, POST, OPTIONS"
    return response


def _write(request, call: XapiCall, principal: XapiPrincipal):
    if not principal.can_write:
        return _error(403, "read_only", _("This client may only read statements."))
    parts = {}
    try:
        if call.content_type.startswith("multipart/mixed"):
            first, parts = multipart_parse(call.body, call.content_type)
        elif call.content_type.startswith("application/json"):
            first = call.body
        else:
            return _error(400, "content_type", _("Send statements as application/json."))
        try:
            payload = json_input.loads(first, default=None)
        except json_input.InvalidJSON:
            return _error(400, "invalid_json", _("The request body is not valid JSON."))
        if call.method == "PUT":
            statement_id = call.params.get("statementId")
            if not statement_id:
                return _error(400, "statement_id", _("PUT needs the statementId parameter."))
            if not isinstance(payload, dict):
                return _error(400, "invalid", _("PUT stores one statement."))
            if "id" in payload and str(payload["id"]).lower() != statement_id.lower():
                return _error(400, "statement_id", _("The statement's id is not statementId."))
            payload = {**payload, "id": statement_id}
            batch = [payload]
        else:
            batch = [payload] if isinstance(payload, dict) else payload
        if isinstance(batch, list) and all(isinstance(item, dict) for item in batch):
            attachments_check_parts(batch, parts)
        ids = xapi_statements_store(
            principal=principal, statements=batch, version=request.xapi_version
        )
        attachments_store(parts)
    except StatementError as error:
        extra = {k: v for k, v in (("index", error.index), ("field", error.field)) if v is not None}
        return _error(error.status, error.code, error.message, **extra)
    if call.method == "PUT":
        return HttpResponse(status=204)
    return JsonResponse(ids, safe=False)


def _read(request, call: XapiCall, principal: XapiPrincipal):
    if not principal.can_read:
        return _error(403, "write_only", _("This client may not read statements."))
    params = call.params
    output_format = params.get("format", "exact")
    languages = _languages(request)
    try:
        if "statementId" in params or "voidedStatementId" in params:
            row = statement_single(principal=principal, params=params)
            if row is None:
                return _error(404, "not_found", _("There is no such statement for you."))
            result = statement_json(row, format=output_format, languages=languages)
            statements_out = [result]
            response = _answer(request, call, result, statements_out)
            response["Last-Modified"] = http_date(row.stored.timestamp())
            return response
        page = statements_query(principal=principal, params=params)
    except QueryError as error:
        return _error(400, "invalid_query", error.message)
    output_format = page["params"].get("format", "exact")
    statements_out = [
        statement_json(row, format=output_format, languages=languages) for row in page["rows"]
    ]
    more = f"{request.path}?{urlencode({'more': page['more']})}" if page["more"] else ""
    call.params = page["params"]
    return _answer(request, call, {"statements": statements_out, "more": more}, statements_out)


def _answer(request, call, result, statements_out):
    if str(call.params.get("attachments", "")).lower() == "true":
        body, content_type = multipart_response_body(result, statements_out)
        response = HttpResponse(body, content_type=content_type)
    else:
        response = HttpResponse(json.dumps(result), content_type="application/json")
    response[CONSISTENT_THROUGH] = consistent_through()
    if call.method == "HEAD":
        response.content = b""
    return response


@own_data
def my_statements(request):
    """The signed-in person's own statements, all of them, as one JSON file to keep."""
    if not request.user.is_authenticated:
        return _error(401, "unauthenticated", _("Sign in to download your learning records."))
    from lms.records.models import Statement

    rows = Statement.objects.filter(actor=request.user).order_by("stored", "id")
    body = json.dumps([statement_json(row) for row in rows.iterator(chunk_size=500)])
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="my-learning-records.json"'
    return response
