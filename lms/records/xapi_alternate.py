"""The alternate request syntax of xAPI 1.0.3 (Part Three §1.3), for every xAPI resource.

A client that cannot send custom headers or methods (an old browser, a form) POSTs with the
method it means as the only query parameter (``?method=PUT``) and a form-encoded body that
carries the headers (``Authorization``, ``X-Experience-API-Version``, ``Content-Type``,
``Content-Length``, ``If-Match``, ``If-None-Match``), the body it would have sent as the
``content`` field, and the other parameters as the remaining fields.

xAPI 2.0 (IEEE 9274.1.1) removed the syntax: a 2.0 request that uses it is refused (400).

:func:`xapi_call` reads a request, in either syntax, as one :class:`XapiCall` (the method,
parameters, headers, body and content type the client meant); :func:`form_header` lets the
authentication and the version check read a header before the view does.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

FORM_TYPE = "application/x-www-form-urlencoded"
HEADERS = frozenset(
    {
        "Authorization",
        "X-Experience-API-Version",
        "Content-Type",
        "Content-Length",
        "If-Match",
        "If-None-Match",
    }
)
METHODS = frozenset({"GET", "HEAD", "PUT", "POST", "DELETE"})


class AlternateSyntaxError(Exception):
    """A request in the alternate syntax that breaks its rules, or one that speaks 2.0."""

    status = 400
    code = "alternate_syntax"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_alternate(request) -> bool:
    return request.method == "POST" and "method" in request.GET


def _form(request):
    """The form fields of an alternate-syntax request (empty for any other request)."""
    if is_alternate(request) and (request.content_type or "") == FORM_TYPE:
        return request.POST
    return {}


def form_header(request, name: str) -> str | None:
    """The header ``name``; in the alternate syntax, its form field when it is not sent as
    a header."""
    value = request.headers.get(name)
    if value:
        return value
    return _form(request).get(name) or None


@dataclass
class XapiCall:
    """What the client meant: the method, the parameters, the headers and the body."""

    method: str
    params: object  # a QueryDict or a dict of the form's fields
    body: bytes
    content_type: str
    alternate: bool = False
    form_headers: dict = field(default_factory=dict)

    def header(self, request, name: str) -> str | None:
        if self.alternate:
            return self.form_headers.get(name) or request.headers.get(name) or None
        return request.headers.get(name)


def xapi_call(request, *, is_2: bool) -> XapiCall:
    """The request as the client meant it. Raises :class:`AlternateSyntaxError` when the
    alternate syntax is malformed or used under 2.0; ``RequestDataTooBig`` propagates."""
    if not is_alternate(request):
        return XapiCall(
            method=request.method,
            params=request.GET,
            body=request.body,
            content_type=request.META.get("CONTENT_TYPE", ""),
        )
    if is_2:
        raise AlternateSyntaxError(_("xAPI 2.0 has no alternate request syntax."))
    method = request.GET["method"].upper()
    if set(request.GET) != {"method"} or method not in METHODS:
        raise AlternateSyntaxError(
            _("With the alternate request syntax, method is the only query parameter.")
        )
    if (request.content_type or "") != FORM_TYPE:
        raise AlternateSyntaxError(
            _("The alternate request syntax sends application/x-www-form-urlencoded.")
        )
    form = request.POST
    headers = {name: form[name] for name in HEADERS if form.get(name)}
    params = {k: v for k, v in form.items() if k not in HEADERS and k != "content"}
    return XapiCall(
        method=method,
        params=params,
        # Part Three §1.3: the content is a UTF-8 string (no binary documents this way).
        body=form.get("content", "").encode("utf-8"),
        content_type=headers.get("Content-Type", "application/json"),
        alternate=True,
        form_headers=headers,
    )
