"""The LRS's document resources and its Activities, Agents and About resources, under
``/xapi/`` (xAPI 1.0.3 sections 7.3-7.7; xAPI 2.0 / IEEE 9274.1.1 section 4.1.6).

Scope: a person reads and writes only the documents of their own agent; content launched
by the site (a cmi5 assignable unit, with its launch token) only those of its own activity;
a client (Basic, staff-issued) only within its scope: reading and/or writing, its activity
prefixes, its people (see ``_authorise``). Activity Profiles are read by anyone signed in
and written by staff or by a client about its own activities. Every resource also answers
the 1.0.3 alternate request syntax (``lms.records.xapi_alternate``)."""

import uuid
from datetime import datetime

from django.core.exceptions import RequestDataTooBig
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
from lms.records.xapi_alternate import AlternateSyntaxError, XapiCall, form_header, xapi_call
from lms.records.xapi_auth import XapiPrincipal, csrf_refused, xapi_authenticate
from lms.records.xapi_identities import (
    AgentInvalid,
    AgentRef,
    agent_is_user,
    parse_agent,
    person_of,
    user_for_agent,
)
from lms.records.xapi_version import add_cors

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
    sent = (form_header(request, VERSION_HEADER) or "").strip()
    if sent.startswith("2.0"):
        return "2.0.0"
    if sent.startswith("1.0"):
        return "1.0.3"
    raise XapiRequestError(
        400,
        "version",
        _("Send the header X-Experience-API-Version (1.0.3 or 2.0.0)."),
    )


def _xapi_view(methods):
    """Version check, the alternate request syntax, authentication (``xapi_authenticate``,
    shared with the Statement resource), CORS, and the errors of services and parameters as
    JSON. The view is called with the request, the :class:`XapiCall` the client meant, the
    principal and the version it speaks."""

    def decorator(view):
        def wrapped(request, *args, **kwargs):
            version = "1.0.3"
            if request.method == "OPTIONS":
                return add_cors(request, HttpResponse(status=204))
            call = None
            try:
                version = _version(request)
                call = xapi_call(request, is_2=version == "2.0.0")
                method = "GET" if call.method == "HEAD" else call.method
                if method not in methods:
                    response = _error(405, "method", _("This method is not allowed here."))
                    response["Allow"] = ", ".join(methods)
                    raise _Answer(response)
                principal = xapi_authenticate(request)
                if principal is None:
                    response = _error(
                        401, "unauthenticated", _("Sign in, or send valid credentials.")
                    )
                    response["WWW-Authenticate"] = 'Basic realm="xAPI"'
                    raise _Answer(response)
                if csrf_refused(request, principal):
                    raise _Answer(_error(403, "csrf", _("The page is out of date: reload it.")))
                response = view(request, call, principal, version, *args, **kwargs)
            except _Answer as answer:
                response = answer.response
            except RequestDataTooBig:
                response = _error(413, "too_large", _("This request is too large."))
            except AlternateSyntaxError as error:
                response = _error(error.status, error.code, error.message)
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
            if call is not None and call.method == "HEAD":
                response.content = b""
            return add_cors(request, response)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return csrf_exempt(wrapped)

    return decorator


class _Answer(Exception):
    """An answer decided before the view runs (405, 401, 403)."""

    def __init__(self, response):
        super().__init__(response.status_code)
        self.response = response


# --- parameters ------------------------------------------------------------------------


def _param(call: XapiCall, name, *, required=True) -> str:
    value = call.params.get(name)
    if value is None or value == "":
        if required:
            raise XapiRequestError(
                400, "missing", _("The parameter %(name)s is required.") % {"name": name}
            )
        return ""
    if len(value) > 1000:
        raise XapiRequestError(400, "invalid", _("%(name)s is too long.") % {"name": name})
    return value


def _agent(call: XapiCall) -> AgentRef:
    raw = _param(call, "agent")
    try:
        return parse_agent(json_input.loads(raw))
    except json_input.InvalidJSON:
        raise XapiRequestError(400, "invalid", _("The agent parameter is not JSON.")) from None
    except AgentInvalid as error:
        raise XapiRequestError(400, "invalid", str(error)) from None


def _registration(call: XapiCall) -> str:
    raw = _param(call, "registration", required=False)
    if not raw:
        return ""
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise XapiRequestError(400, "invalid", _("The registration must be a UUID.")) from None


def _since(call: XapiCall) -> datetime | None:
    raw = _param(call, "since", required=False)
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


def _preconditions(request, call: XapiCall) -> documents.Preconditions:
    return documents.Preconditions(
        if_match=documents.parse_etags(call.header(request, "If-Match")),
        if_none_match=documents.parse_etags(call.header(request, "If-None-Match")),
    )


def _body(call: XapiCall) -> bytes:
    if len(call.body) > MAX_BODY_BYTES:
        raise XapiRequestError(413, "too_large", _("The document is larger than 1 MB."))
    return call.body


# --- who may do what --------------------------------------------------------------------


def _forbidden(message) -> XapiRequestError:
    return XapiRequestError(403, "forbidden", message)


def _authorise(principal: XapiPrincipal, call: XapiCall, *, agent=None, activity_id: str = ""):
    """The person whose documents these are (the principal's own, or for a client the one
    ``agent`` names); refuses (403) what the principal may not do with the documents of
    ``agent`` and/or ``activity_id``.

    A client (Basic, a key and secret staff issued) reads only if it may read, writes only
    if it may write, and only about the activities under its prefixes and the people of its
    scope (one person, an organisation's, a country's; an agent who is no person of this
    site is outside every scope). A person (session, personal key) reaches only their own
    agent; content launched by the site (cmi5) only its own person and activity."""
    writing = call.method not in {"GET", "HEAD"}
    if principal.client is not None:
        if writing and not principal.can_write:
            raise _forbidden(_("This client may only read."))
        if not writing and not principal.can_read:
            raise _forbidden(_("This client may not read."))
        if activity_id and not principal.activity_allowed(activity_id):
            raise _forbidden(_("This activity is outside this client's scope."))
        if agent is None:
            return None
        person = user_for_agent(agent)
        if not principal.may_act_for(person):
            raise _forbidden(_("This person is outside this client's scope."))
        return person
    if agent is not None and not agent_is_user(agent, principal.user):
        raise _forbidden(_("You may only read and write your own documents."))
    credential = principal.credential
    if credential is not None and activity_id and activity_id != credential.activity_id:
        raise _forbidden(_("This launch may only use the documents of its own activity."))
    return principal.user


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


def _serve(request, call: XapiCall, principal, version, *, scope, id_param, owner=None):
    """GET (one document, or the list of ids), PUT, POST and DELETE on one scope."""
    document_id = _param(call, id_param, required=call.method in {"PUT", "POST"})
    method = "GET" if call.method == "HEAD" else call.method
    preconditions = _preconditions(request, call)
    if method == "GET":
        if not document_id:
            return JsonResponse(documents.document_ids(scope=scope, since=_since(call)), safe=False)
        document = documents.document_get(scope=scope, document_id=document_id)
        if document is None:
            return _error(404, "not_found", _("There is no such document."))
        if preconditions.if_none_match and (
            "*" in preconditions.if_none_match or document.etag in preconditions.if_none_match
        ):
            response = HttpResponse(status=304)
            response["ETag"] = f'"{document.etag}"'
            return response
        return _document_response(document)
    if method == "DELETE":
        if document_id:
            documents.document_delete(
                scope=scope, document_id=document_id, preconditions=preconditions
            )
        elif scope.kind == Kind.STATE:
            documents.documents_delete(scope=scope)
        else:
            raise XapiRequestError(
                400, "missing", _("The parameter %(name)s is required.") % {"name": id_param}
            )
        return _written(None)
    common = {
        "scope": scope,
        "document_id": document_id,
        "content": _body(call),
        "content_type": call.content_type,
        "owner": owner if scope.agent else None,
        "preconditions": preconditions,
    }
    if method == "PUT":
        require = scope.kind != Kind.STATE or version == "2.0.0"
        return _written(documents.document_put(**common, require_precondition=require))
    return _written(documents.document_post(**common))


# --- the resources ---------------------------------------------------------------------


@own_data
@_xapi_view(["GET", "PUT", "POST", "DELETE"])
def state(request, call, principal, version):
    """``/xapi/activities/state``: a learner's documents in one activity (and registration)."""
    activity_id = _param(call, "activityId")
    agent = _agent(call)
    owner = _authorise(principal, call, agent=agent, activity_id=activity_id)
    scope = documents.DocumentScope(
        kind=Kind.STATE,
        activity_id=activity_id,
        agent=agent,
        registration=_registration(call),
    )
    return _serve(
        request,
        call,
        principal,
        version,
        scope=scope,
        id_param="stateId",
        owner=owner,
    )


@own_data
@_xapi_view(["GET", "PUT", "POST", "DELETE"])
def activity_profile(request, call, principal, version):
    """``/xapi/activities/profile``: documents about an activity, shared by all learners;
    written by staff themselves (never by content launched in their name) or by a client
    that may write, about its own activities."""
    activity_id = _param(call, "activityId")
    if principal.client is not None:
        _authorise(principal, call, activity_id=activity_id)
    elif call.method not in {"GET", "HEAD"} and not (
        principal.user.is_staff and principal.credential is None
    ):
        raise _forbidden(_("Only staff write activity profiles."))
    scope = documents.DocumentScope(kind=Kind.ACTIVITY_PROFILE, activity_id=activity_id)
    return _serve(request, call, principal, version, scope=scope, id_param="profileId")


@own_data
@_xapi_view(["GET", "PUT", "POST", "DELETE"])
def agent_profile(request, call, principal, version):
    """``/xapi/agents/profile``: documents about the learner, across activities."""
    agent = _agent(call)
    owner = _authorise(principal, call, agent=agent)
    scope = documents.DocumentScope(kind=Kind.AGENT_PROFILE, agent=agent)
    return _serve(
        request,
        call,
        principal,
        version,
        scope=scope,
        id_param="profileId",
        owner=owner,
    )


@own_data
@_xapi_view(["GET"])
def agents(request, call, principal, version):
    """``/xapi/agents?agent=...``: the Person object behind one's own agent (or, for a
    client that may read, behind an agent in its scope)."""
    agent = _agent(call)
    return JsonResponse(person_of(_authorise(principal, call, agent=agent)))


@public_data
@_xapi_view(["GET"])
def activities(request, call, principal, version):
    """``/xapi/activities?activityId=...``: the activity as its latest stored statement
    with a definition describes it, or its id alone when no statement defines it."""
    activity_id = _param(call, "activityId")
    if principal.client is not None:
        _authorise(principal, call, activity_id=activity_id)
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
        return add_cors(request, HttpResponse(status=204))
    if request.method != "POST":
        response = add_cors(request, _error(405, "method", _("Use POST.")))
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
    return add_cors(request, response)
