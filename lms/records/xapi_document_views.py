"""The LRS's document resources and its Activities, Agents and About resources, under
``/xapi/`` (xAPI 1.0.3 sections 7.3-7.7; xAPI 2.0 / IEEE 9274.1.1 section 4.1.6).

Scope: a person reads and writes only the documents of their own agent; content launched
by the site (a cmi5 assignable unit, with its launch token) only those of its own activity.
Activity Profiles are read by anyone signed in and written by staff."""

import uuid
from datetime import datetime

from django.http import HttpResponse, JsonResponse
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from lms import json_input
from lms.accounts.exposure import own_data, public_data
from lms.records import xapi_documents as documents
from lms.records.launch_credentials import launch_credential_fetch
from lms.records.models import Statement
from lms.records.xapi_documents_auth import (
    XapiCsrfRefused,
    XapiUnauthorised,
    xapi_documents_authenticate,
)
from lms.records.xapi_identities import AgentInvalid, agent_is_user, parse_agent, person_of

VERSION_HEADER = "X-Experience-API-Version"
SUPPORTED_VERSIONS = ["1.0.3", "2.0.0"]
MAX_BODY_BYTES = documents.MAX_DOCUMENT_BYTES
Kind = documents.Kind


class XapiRequestError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _error(status, code, message, version="1.0.3"):
    response = JsonResponse({"error": code, "detail": str(message)}, status=status)
    response[VERSION_HEADER] = version
    return response


def _version(request) -> str:
    """The version the response speaks: 2.0.0 for a 2.0 request, 1.0.3 for a 1.0 one; a
    request without a version (or with another) is refused, as both versions require."""
    sent = request.headers.get(VERSION_HEADER, "").strip()
    if sent.startswith("2.0"):
        return "2.0.0"
    if sent.startswith("1.0"):
        return "1.0.3"
    raise XapiRequestError(
        400,
        "version",
        _("Send the header X-Experience-API-Version (1.0.3 or 2.0.0)."),
    )


CORS_HEADERS = {
    # Launched content runs sandboxed, in an opaque origin, and authenticates with its
    # launch token (never a cookie): any origin may call, credentials are not shared.
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, PUT, POST, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": (
        "Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match"
    ),
    "Access-Control-Expose-Headers": "ETag, Last-Modified, X-Experience-API-Version",
    "Access-Control-Max-Age": "600",
}


def _with_cors(response):
    for name, value in CORS_HEADERS.items():
        response[name] = value
    return response


def _xapi_view(methods):
    """Version check, authentication, CORS, and the errors of services and parameters as
    JSON. (The shared decorator of ``lms.records.xapi_auth`` replaces this after merging.)"""

    def decorator(view):
        def wrapped(request, *args, **kwargs):
            version = "1.0.3"
            if request.method == "OPTIONS":
                return _with_cors(HttpResponse(status=204))
            method = "GET" if request.method == "HEAD" else request.method
            if method not in methods:
                response = _error(405, "method", _("This method is not allowed here."))
                response["Allow"] = ", ".join(methods)
                return response
            try:
                version = _version(request)
                principal = xapi_documents_authenticate(request)
                response = view(request, principal, version, *args, **kwargs)
            except XapiUnauthorised:
                response = _error(401, "unauthenticated", _("Sign in, or send valid credentials."))
                response["WWW-Authenticate"] = 'Basic realm="xAPI"'
            except XapiCsrfRefused:
                response = _error(403, "csrf", _("The page is out of date: reload it."))
            except XapiRequestError as error:
                response = _error(error.status, error.code, error.message)
            except documents.DocumentError as error:
                response = _error(error.status, error.code, error.message)
            response[VERSION_HEADER] = version
            if response.status_code == 404:
                # LocaleMiddleware answers a 404 on an unprefixed path with a redirect to
                # /<lang>/... when that resolves (Wagtail's pages do); under this URLconf,
                # which has no language prefixes, it leaves the LRS's 404 alone.
                request.urlconf = "lms.records.xapi_document_urls"
            if request.method == "HEAD":
                response.content = b""
            return _with_cors(response)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return csrf_exempt(wrapped)

    return decorator


# --- parameters ------------------------------------------------------------------------


def _param(request, name, *, required=True) -> str:
    value = request.GET.get(name)
    if value is None or value == "":
        if required:
            raise XapiRequestError(
                400, "missing", _("The parameter %(name)s is required.") % {"name": name}
            )
        return ""
    if len(value) > 1000:
        raise XapiRequestError(400, "invalid", _("%(name)s is too long.") % {"name": name})
    return value


def _agent(request):
    raw = _param(request, "agent")
    try:
        return parse_agent(json_input.loads(raw))
    except json_input.InvalidJSON:
        raise XapiRequestError(400, "invalid", _("The agent parameter is not JSON.")) from None
    except AgentInvalid as error:
        raise XapiRequestError(400, "invalid", str(error)) from None


def _registration(request) -> str:
    raw = _param(request, "registration", required=False)
    if not raw:
        return ""
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise XapiRequestError(400, "invalid", _("The registration must be a UUID.")) from None


def _since(request) -> datetime | None:
    raw = _param(request, "since", required=False)
    if not raw:
        return None
    try:
        value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise XapiRequestError(
            400, "invalid", _("since must be an ISO 8601 timestamp with a time zone.")
        )
    return value


def _preconditions(request) -> documents.Preconditions:
    return documents.Preconditions(
        if_match=documents.parse_etags(request.headers.get("If-Match")),
        if_none_match=documents.parse_etags(request.headers.get("If-None-Match")),
    )


def _body(request) -> bytes:
    if len(request.body) > MAX_BODY_BYTES:
        raise XapiRequestError(413, "too_large", _("The document is larger than 1 MB."))
    return request.body


def _owned(principal, agent, activity_id: str = "") -> None:
    """A person may touch only their own agent's documents; launched content only those
    of its own activity."""
    if not agent_is_user(agent, principal.user):
        raise XapiRequestError(
            403, "forbidden", _("You may only read and write your own documents.")
        )
    credential = principal.credential
    if credential is not None and activity_id and activity_id != credential.activity_id:
        raise XapiRequestError(
            403, "forbidden", _("This launch may only use the documents of its own activity.")
        )


# --- responses -------------------------------------------------------------------------


def _document_response(document) -> HttpResponse:
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    response["ETag"] = f'"{document.etag}"'
    response["Last-Modified"] = http_date(document.updated.timestamp())
    return response


def _written(document) -> HttpResponse:
    response = HttpResponse(status=204)
    if document is not None:
        response["ETag"] = f'"{document.etag}"'
        response["Last-Modified"] = http_date(document.updated.timestamp())
    return response


def _serve(request, principal, *, scope, id_param, lms_only_allowed=False):
    """GET (one document, or the list of ids), PUT, POST and DELETE on one scope."""
    document_id = _param(request, id_param, required=request.method in {"PUT", "POST"})
    method = "GET" if request.method == "HEAD" else request.method
    if method == "GET":
        if not document_id:
            return JsonResponse(
                documents.document_ids(scope=scope, since=_since(request)), safe=False
            )
        document = documents.document_get(scope=scope, document_id=document_id)
        if document is None:
            return _error(404, "not_found", _("There is no such document."))
        preconditions = _preconditions(request)
        if preconditions.if_none_match and (
            "*" in preconditions.if_none_match or document.etag in preconditions.if_none_match
        ):
            response = HttpResponse(status=304)
            response["ETag"] = f'"{document.etag}"'
            return response
        return _document_response(document)
    owner = principal.user
    if method == "DELETE":
        if document_id:
            documents.document_delete(
                scope=scope, document_id=document_id, preconditions=_preconditions(request)
            )
        elif scope.kind == Kind.STATE:
            documents.documents_delete(scope=scope)
        else:
            raise XapiRequestError(
                400, "missing", _("The parameter %(name)s is required.") % {"name": id_param}
            )
        return _written(None)
    version = _version(request)
    common = {
        "scope": scope,
        "document_id": document_id,
        "content": _body(request),
        "content_type": request.content_type,
        "owner": owner if scope.agent else None,
        "preconditions": _preconditions(request),
    }
    if method == "PUT":
        require = scope.kind != Kind.STATE or version == "2.0.0"
        return _written(documents.document_put(**common, require_precondition=require))
    return _written(documents.document_post(**common))


# --- the resources ---------------------------------------------------------------------


@own_data
@_xapi_view(["GET", "PUT", "POST", "DELETE"])
def state(request, principal, version):
    """``/xapi/activities/state``: a learner's documents in one activity (and registration)."""
    activity_id = _param(request, "activityId")
    agent = _agent(request)
    _owned(principal, agent, activity_id)
    scope = documents.DocumentScope(
        kind=Kind.STATE,
        activity_id=activity_id,
        agent=agent,
        registration=_registration(request),
    )
    return _serve(request, principal, scope=scope, id_param="stateId")


@own_data
@_xapi_view(["GET", "PUT", "POST", "DELETE"])
def activity_profile(request, principal, version):
    """``/xapi/activities/profile``: documents about an activity, shared by all learners;
    written by staff themselves, never by content launched in their name."""
    activity_id = _param(request, "activityId")
    writer = principal.user.is_staff and principal.credential is None
    if request.method not in {"GET", "HEAD"} and not writer:
        raise XapiRequestError(403, "forbidden", _("Only staff write activity profiles."))
    scope = documents.DocumentScope(kind=Kind.ACTIVITY_PROFILE, activity_id=activity_id)
    return _serve(request, principal, scope=scope, id_param="profileId")


@own_data
@_xapi_view(["GET", "PUT", "POST", "DELETE"])
def agent_profile(request, principal, version):
    """``/xapi/agents/profile``: documents about the learner, across activities."""
    agent = _agent(request)
    _owned(principal, agent)
    scope = documents.DocumentScope(kind=Kind.AGENT_PROFILE, agent=agent)
    return _serve(request, principal, scope=scope, id_param="profileId")


@own_data
@_xapi_view(["GET"])
def agents(request, principal, version):
    """``/xapi/agents?agent=...``: the Person object behind one's own agent."""
    agent = _agent(request)
    _owned(principal, agent)
    return JsonResponse(person_of(principal.user))


@public_data
@_xapi_view(["GET"])
def activities(request, principal, version):
    """``/xapi/activities?activityId=...``: the activity as its latest stored statement
    with a definition describes it, or its id alone when no statement defines it."""
    activity_id = _param(request, "activityId")
    data = (
        Statement.objects.filter(activity=activity_id, data__object__definition__isnull=False)
        .order_by("-stored")
        .values_list("data", flat=True)
        .first()
    )
    activity = {"objectType": "Activity", "id": activity_id}
    definition = (data or {}).get("object", {}).get("definition")
    if isinstance(definition, dict):
        activity["definition"] = definition
    return JsonResponse(activity)


@public_data
@csrf_exempt
def about(request):
    """``/xapi/about``: the versions this LRS speaks; no credentials needed."""
    if request.method not in {"GET", "HEAD"}:
        return _error(405, "method", _("This method is not allowed here."))
    response = JsonResponse(
        {
            "version": SUPPORTED_VERSIONS,
            "extensions": {
                "https://betterwork.org/xapi/extensions/cmi5": {"launch": True},
            },
        }
    )
    response[VERSION_HEADER] = "2.0.0"
    return response


@public_data
@csrf_exempt
def launch_fetch(request, key):
    """``POST /xapi/launch/<key>/fetch``: cmi5's fetch URL (section 8.2). The first POST
    answers ``{"auth-token": ...}``; later ones (and unknown keys) answer the error object
    of section 8.2.3, with status 200 as the specification requires."""
    if request.method == "OPTIONS":
        return _with_cors(HttpResponse(status=204))
    if request.method != "POST":
        response = _with_cors(_error(405, "method", _("Use POST.")))
        response["Allow"] = "POST"
        return response
    outcome = launch_credential_fetch(fetch_key=key)
    if outcome.token:
        body = {"auth-token": outcome.token}
    else:
        texts = {
            "1": _("The authorization token has already been returned, or the session ended."),
            "2": _("This fetch address is not valid."),
        }
        body = {"error-code": outcome.error_code, "error-text": str(texts[outcome.error_code])}
    response = JsonResponse(body)
    response["Cache-Control"] = "no-store"
    return _with_cors(response)
