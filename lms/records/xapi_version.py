"""The ``X-Experience-API-Version`` header and CORS, for every xAPI resource.

xAPI 1.0.3 Part Three §3.3 (Versioning): a request names the version it speaks; the LRS
refuses (400) a request without the header or with a version it does not support, and names
its own version in every response. We speak 1.0.x (answering ``1.0.3``) and 2.0.x (IEEE
9274.1.1, answering ``2.0.0``), and answer in the major version the client asked for.

Browser clients (a package served from another origin) call the LRS across origins: every
answer carries the CORS headers, and a preflight ``OPTIONS`` is answered here without
authentication (xAPI 1.0.3 Part Three §1.3 and §4: the LRS MUST support CORS).

``xapi_endpoint`` wraps a view with both; the view finds the parsed version in
``request.xapi_version`` (an :class:`XapiVersion`).
"""

import re
from dataclasses import dataclass
from functools import wraps

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from lms.records.xapi_alternate import form_header

HEADER = "X-Experience-API-Version"
CONSISTENT_THROUGH = "X-Experience-API-Consistent-Through"
_VERSION = re.compile(r"^(1\.0|2\.0)(?:\.(\d+))?$")
ANSWER = {"1.0": "1.0.3", "2.0": "2.0.0"}

ALLOWED_HEADERS = ", ".join(
    [
        "Authorization",
        "Content-Type",
        "Content-Length",
        HEADER,
        "If-Match",
        "If-None-Match",
        "Accept-Language",
    ]
)
EXPOSED_HEADERS = ", ".join([HEADER, CONSISTENT_THROUGH, "ETag", "Last-Modified", "Location"])


@dataclass(frozen=True)
class XapiVersion:
    major: str  # "1.0" or "2.0"
    text: str  # as the client sent it

    @property
    def answer(self) -> str:
        return ANSWER[self.major]

    @property
    def is_2(self) -> bool:
        return self.major == "2.0"


def version_parse(value: str | None) -> XapiVersion | None:
    """The version a header names, or ``None`` when it is missing or not one we speak."""
    if not value:
        return None
    match = _VERSION.match(value.strip())
    if match is None:
        return None
    return XapiVersion(major=match.group(1), text=value.strip())


def add_cors(request, response):
    origin = request.headers.get("Origin")
    # Credentials are the Authorization header, never a cookie of ours: any origin may call.
    response["Access-Control-Allow-Origin"] = origin or "*"
    if origin:
        response["Vary"] = "Origin"
    response["Access-Control-Allow-Methods"] = "GET, HEAD, PUT, POST, DELETE, OPTIONS"
    response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
    response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    response["Access-Control-Max-Age"] = "600"
    return response


def version_error(request, message: str, *, status: int = 400, answer: str = "1.0.3"):
    response = JsonResponse({"error": "bad_request", "detail": message}, status=status)
    response[HEADER] = answer
    return add_cors(request, response)


def xapi_endpoint(view=None, *, version_required: bool = True):
    """Decorate an xAPI view: CSRF exempt (authentication is a header, see
    ``lms.records.xapi_auth``), preflight answered, version checked and named in the answer,
    CORS on every answer. ``version_required=False`` is for the About resource."""

    def decorator(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "OPTIONS":
                response = HttpResponse(status=204)
                response[HEADER] = ANSWER["1.0"]
                return add_cors(request, response)
            version = version_parse(form_header(request, HEADER))
            if version is None and version_required:
                return version_error(
                    request,
                    _("Send the X-Experience-API-Version header with 1.0.3 or 2.0.0."),
                )
            request.xapi_version = version or XapiVersion(major="2.0", text="")
            response = view(request, *args, **kwargs)
            if response.status_code == 404:
                request.urlconf = "lms.records.xapi_urlconf"
            response[HEADER] = request.xapi_version.answer
            return add_cors(request, response)

        return wrapper

    return decorator(view) if view is not None else decorator
