"""The Content Security Policy built once per process: every response gets the header
django-csp itself would write (API answers included), and a change of the settings, a nonce
or a view's own policy is never answered from the kept header."""

import json
import uuid

import pytest
from csp.constants import NONCE, SELF
from csp.decorators import csp_exempt, csp_update
from csp.middleware import CSPMiddleware
from django.http import HttpResponse, JsonResponse
from django.test import RequestFactory

from lms.content_security import ContentSecurityPolicyMiddleware
from tests.accounts.factories import UserFactory

HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")


class _LibraryOnly(ContentSecurityPolicyMiddleware):
    """The same policies (the admin's included), written by django-csp's own code."""

    def process_response(self, request, response):
        return CSPMiddleware.process_response(self, request, response)


def _headers(middleware_class, path, make_response, *, nonce=False):
    request = RequestFactory().get(path)
    middleware = middleware_class(lambda request: make_response())
    middleware.process_request(request)
    if nonce:
        str(request.csp_nonce)
    response = middleware.process_response(request, make_response())
    return {name: response.get(name) for name in HEADERS}


def _plain():
    return JsonResponse({"ids": []})


def _updated():
    return csp_update({"img-src": ["https://example.org"]})(lambda: HttpResponse("x"))()


def _exempt():
    return csp_exempt()(lambda: HttpResponse("x"))()


def _already_set():
    response = HttpResponse("x")
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


CASES = [
    ("/api/records/statements", _plain, False),
    ("/en/learn/", _plain, False),
    ("/admin/pages/", _plain, False),
    ("/en/learn/", _updated, False),
    ("/admin/pages/", _updated, False),
    ("/en/learn/", _exempt, False),
    ("/en/learn/", _already_set, False),
    ("/en/learn/", _plain, True),
    ("/admin/", _plain, True),
]


@pytest.mark.parametrize(("path", "make_response", "nonce"), CASES)
def test_the_header_is_the_one_django_csp_writes(path, make_response, nonce):
    kept = _headers(ContentSecurityPolicyMiddleware, path, make_response, nonce=nonce)
    assert kept == _headers(_LibraryOnly, path, make_response, nonce=nonce)


def test_a_nonce_reaches_the_header_and_differs_per_request(settings):
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**directives, "script-src": [SELF, NONCE]}}
    first = _headers(ContentSecurityPolicyMiddleware, "/en/learn/", _plain, nonce=True)
    second = _headers(ContentSecurityPolicyMiddleware, "/en/learn/", _plain, nonce=True)
    assert "'nonce-" in first["Content-Security-Policy"]
    assert first != second
    plain = _headers(ContentSecurityPolicyMiddleware, "/en/learn/", _plain)
    assert "nonce" not in plain["Content-Security-Policy"]


def test_changed_settings_are_not_answered_from_the_kept_header(settings):
    before = _headers(ContentSecurityPolicyMiddleware, "/en/learn/", _plain)
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {
        "DIRECTIVES": {"default-src": ["'self'"]},
        "EXCLUDE_URL_PREFIXES": ["/api/"],
    }
    after = _headers(ContentSecurityPolicyMiddleware, "/en/learn/", _plain)
    assert after != before
    assert after["Content-Security-Policy"] == "default-src 'none'"
    assert after["Content-Security-Policy-Report-Only"] == "default-src 'self'"
    api = _headers(ContentSecurityPolicyMiddleware, "/api/records/statements", _plain)
    assert api["Content-Security-Policy-Report-Only"] is None
    assert api == _headers(_LibraryOnly, "/api/records/statements", _plain)


def test_a_nonce_asked_for_after_the_header_is_refused():
    from csp.exceptions import CSPNonceError

    request = RequestFactory().get("/en/learn/")
    middleware = ContentSecurityPolicyMiddleware(lambda request: _plain())
    middleware.process_request(request)
    middleware.process_response(request, _plain())
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


@pytest.mark.django_db
def test_a_statement_write_answers_with_the_security_headers(client):
    client.force_login(UserFactory())
    statement = {
        "id": str(uuid.uuid4()),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": "urn:betterwork:nothing-known:1"},
    }
    response = client.post(
        "/api/records/statements", json.dumps(statement), content_type="application/json"
    )
    assert response.status_code == 400  # an unknown activity: any answer carries them
    expected = _headers(_LibraryOnly, "/api/records/statements", _plain)
    assert response["Content-Security-Policy"] == expected["Content-Security-Policy"]
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] in {"SAMEORIGIN", "DENY"}
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
