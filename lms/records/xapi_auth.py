"""Who is calling the learning-record store, and what they may do.

``xapi_authenticate(request)`` resolves, in this order:

- HTTP Basic with an :class:`~lms.records.models.XapiClient` key and secret (xAPI 1.0.3
  Part Three §4.1: the LRS MUST support HTTP Basic) — a tool or package staff issued a
  scoped client to;
- ``Bearer`` with a personal recording key (``lms.records.tokens``) — the person themself;
- the browser session — the person themself (unsafe methods also pass the CSRF check:
  :func:`csrf_refused`).

It answers an :class:`XapiPrincipal`, or ``None`` when the request carries credentials that
are wrong (a wrong secret, a revoked key) or none at all. The principal says whose learning
may be recorded or read (``may_act_for``, ``people_filter``) and about which activities
(``activity_allowed``); the rooms' own rules (enrolment, modules not open yet) still apply
on top for every principal, in ``lms.records.services``.
"""

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone

from lms.records.launch_credentials import KEY_PREFIX as LAUNCH_KEY_PREFIX
from lms.records.launch_credentials import credential_for_token
from lms.records.models import XapiClient
from lms.records.tokens import user_for_access_token
from lms.records.xapi_alternate import form_header

SECRET_BYTES = 32
CLIENTS_HOME = "/xapi/clients"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass
class XapiPrincipal:
    kind: str  # "client", "key", "session" or "launch"
    user: object | None = None  # the person, for "key", "session" and "launch"
    client: XapiClient | None = None
    # For "launch": the credential of the launched content (cmi5) that fetched its token.
    credential: object | None = None

    @property
    def via(self) -> str:
        return self.kind

    @property
    def can_read(self) -> bool:
        return self.client.can_read if self.client else True

    @property
    def can_write(self) -> bool:
        return self.client.can_write if self.client else True

    def activity_allowed(self, iri: str) -> bool:
        """A client records and reads only about activities under its prefixes; a person
        about any (the rooms' authorisers decide about the site's own)."""
        if self.client is None:
            return True
        return any(iri.startswith(prefix) for prefix in self.client.prefixes)

    def may_act_for(self, user) -> bool:
        """Whether this principal may record (or read) the learning of ``user``."""
        if user is None or not user.is_active:
            return False
        if self.client is None:
            return user.pk == self.user.pk
        client = self.client
        if client.people == XapiClient.People.PERSON:
            return user.pk == client.person_id
        if client.people == XapiClient.People.ORGANISATION:
            return user.organisation_id is not None and user.organisation_id == (
                client.organisation_id
            )
        if client.people == XapiClient.People.COUNTRY:
            return user.country_id is not None and user.country_id == client.country_id
        return False

    def people_filter(self, prefix: str = "actor") -> Q:
        """The statements this principal may read, by their actor. A client's people are a
        subquery rather than a join: on a large table PostgreSQL then hashes them once
        instead of scanning the people for every statement it misjudged as rare."""
        if self.client is None:
            return Q(**{f"{prefix}_id": self.user.pk})
        client = self.client
        people = get_user_model().objects.filter(is_active=True)
        if client.people == XapiClient.People.PERSON:
            people = people.filter(pk=client.person_id)
        elif client.people == XapiClient.People.ORGANISATION:
            people = people.filter(organisation_id=client.organisation_id)
        else:
            people = people.filter(country_id=client.country_id)
        return Q(**{f"{prefix}_id__in": people.values("pk")})

    def scope_filter(self) -> Q:
        """People and, for a client, activities: what a read may return."""
        condition = self.people_filter()
        if self.client is not None:
            activities = Q(pk__in=[])
            for prefix in self.client.prefixes:
                activities |= Q(data__object__id__startswith=prefix)
            # Statements about statements (a confirmation, a voiding) name no activity:
            # the client reads back those it sent itself.
            activities |= Q(statement_ref__isnull=False, client=self.client)
            condition &= activities
        return condition

    def authority(self) -> dict:
        """The ``authority`` the store writes on the statements this principal sends
        (xAPI 1.0.3 Part Two §2.4.9): the client, or the person vouching for themself."""
        base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        if self.client is not None:
            return {
                "objectType": "Agent",
                "name": self.client.name,
                "account": {"homePage": base + CLIENTS_HOME, "name": self.client.key},
            }
        return {"objectType": "Agent", "account": {"homePage": base, "name": str(self.user.pk)}}


def xapi_client_issue(
    *,
    name: str,
    people: str,
    activity_prefixes: str,
    issued_by=None,
    person=None,
    organisation=None,
    country=None,
    can_read: bool = False,
    can_write: bool = True,
) -> tuple[XapiClient, str]:
    """A new client; returns it and its secret, which is shown once and not stored."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    client = XapiClient(
        name=name,
        key=secrets.token_hex(16),
        secret_hash=_hash(secret),
        people=people,
        activity_prefixes=activity_prefixes,
        issued_by=issued_by,
        person=person,
        organisation=organisation,
        country=country,
        can_read=can_read,
        can_write=can_write,
    )
    client.full_clean(exclude=["key", "secret_hash"])
    with transaction.atomic():
        client.save()
    return client, secret


def xapi_client_new_secret(client: XapiClient) -> tuple[XapiClient, str]:
    """Give a client a key and secret (a new one, or its first); the old ones stop working."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    client.key = secrets.token_hex(16)
    client.secret_hash = _hash(secret)
    return client, secret


def xapi_client_revoke(*, client: XapiClient) -> None:
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])


def client_for_basic(header: str) -> XapiClient | None:
    try:
        decoded = base64.b64decode(header.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    key, sep, secret = decoded.partition(":")
    if not sep or not key or not secret or len(key) > 64 or len(secret) > 200:
        return None
    if key.startswith(LAUNCH_KEY_PREFIX):
        return None  # a launched unit's token: client keys are hexadecimal
    client = XapiClient.objects.filter(key=key, revoked_at__isnull=True).first()
    if client is None or not hmac.compare_digest(client.secret_hash, _hash(secret)):
        return None
    now = timezone.now()
    if client.last_used_at is None or (now - client.last_used_at).total_seconds() > 60:
        XapiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    return client


def xapi_authenticate(request) -> XapiPrincipal | None:
    # The alternate request syntax (xAPI 1.0.3 Part Three §1.3) carries it as a form field.
    header = form_header(request, "Authorization") or ""
    scheme, _sep, credentials = header.partition(" ")
    if scheme.lower() == "basic":
        client = client_for_basic(credentials)
        if client is not None:
            return XapiPrincipal(kind="client", client=client)
        # The token a launched cmi5 unit fetched (``lms.records.launch_credentials``).
        credential = credential_for_token(credentials.strip())
        if credential is not None:
            return XapiPrincipal(kind="launch", user=credential.user, credential=credential)
        return None
    if scheme.lower() == "bearer":
        user = user_for_access_token(credentials.strip())
        return XapiPrincipal(kind="key", user=user) if user else None
    if header:
        return None
    if request.user.is_authenticated:
        return XapiPrincipal(kind="session", user=request.user)
    return None


def csrf_refused(request, principal: XapiPrincipal) -> bool:
    """A session writes only with the CSRF token; headers with credentials skip the check
    (no third-party site can make a browser send them)."""
    if principal.kind != "session" or request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {}) is not None
