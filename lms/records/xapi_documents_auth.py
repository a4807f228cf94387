"""Who is calling the LRS's document resources, until the shared client authentication
(``lms.records.xapi_auth``) replaces this module.

Accepted: the site's session (with its CSRF check on writes: a browser request carries a
cookie another site could ride on), a personal recording key (``Bearer``), and the token a
launched content fetched (``Basic``, see ``lms.records.launch_credentials``)."""

from dataclasses import dataclass

from django.middleware.csrf import CsrfViewMiddleware

from lms.records.launch_credentials import credential_for_token
from lms.records.tokens import user_for_access_token
from lms.records.xapi_document_models import LaunchCredential

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass(frozen=True)
class XapiPrincipal:
    user: object
    via: str  # "session", "key" or "launch"
    credential: LaunchCredential | None = None


class XapiUnauthorised(Exception):
    """No valid credentials (401)."""


class XapiCsrfRefused(Exception):
    """A session write without the CSRF token (403)."""


def xapi_documents_authenticate(request) -> XapiPrincipal:
    authorization = request.headers.get("Authorization", "")
    scheme, _, value = authorization.partition(" ")
    scheme = scheme.lower()
    if scheme == "bearer":
        user = user_for_access_token(value.strip())
        if user is None:
            raise XapiUnauthorised
        return XapiPrincipal(user=user, via="key")
    if scheme == "basic":
        credential = credential_for_token(value.strip())
        if credential is None:
            raise XapiUnauthorised
        return XapiPrincipal(user=credential.user, via="launch", credential=credential)
    if authorization:
        raise XapiUnauthorised
    if not request.user.is_authenticated:
        raise XapiUnauthorised
    if request.method not in SAFE_METHODS:
        refusal = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
        if refusal is not None:
            raise XapiCsrfRefused
    return XapiPrincipal(user=request.user, via="session")
