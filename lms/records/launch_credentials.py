"""Credentials for content the site launches (cmi5, section 8.2 of its specification).

The launch address carries a fetch URL with a one-time key. The content POSTs to it once and
receives ``{"auth-token": ...}``, a value in the form of HTTP Basic credentials, which it then
sends with every LRS request of the session. A second fetch answers an error (code 1); the
token lasts as long as the session (``LAUNCH_CREDENTIAL_LIFETIME``)."""

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from lms.records.xapi_document_models import LaunchCredential

LIFETIME = timedelta(hours=8)

# A launch token is Basic credentials ``cmi5-<credential id>:<secret>``: its key starts with
# this, which no client key (hexadecimal) does.
KEY_PREFIX = "cmi5-"

FETCH_ALREADY_USED = "1"
FETCH_SECURITY_ERROR = "2"


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class FetchOutcome:
    token: str = ""
    error_code: str = ""


def launch_credential_create(
    *, user, activity_id: str, registration, session_id=None, now=None
) -> tuple[LaunchCredential, str]:
    """A credential for one launch session; returns it and the fetch key (not stored)."""
    now = now or timezone.now()
    key = secrets.token_urlsafe(32)
    credential = LaunchCredential.objects.create(
        user=user,
        activity_id=activity_id,
        registration=registration,
        fetch_key_hash=_hash(key),
        expires_at=now + LIFETIME,
        **({"session_id": session_id} if session_id else {}),
    )
    return credential, key


def launch_credential_fetch(*, fetch_key: str, now=None) -> FetchOutcome:
    """Exchange the fetch key for the session's token, once. The update is conditional, so
    two concurrent fetches never both receive a token."""
    now = now or timezone.now()
    if not fetch_key or len(fetch_key) > 100:
        return FetchOutcome(error_code=FETCH_SECURITY_ERROR)
    credential = LaunchCredential.objects.filter(fetch_key_hash=_hash(fetch_key)).first()
    if credential is None:
        return FetchOutcome(error_code=FETCH_SECURITY_ERROR)
    if credential.expires_at <= now or credential.fetched_at is not None:
        return FetchOutcome(error_code=FETCH_ALREADY_USED)
    secret = secrets.token_urlsafe(32)
    token = base64.b64encode(f"{KEY_PREFIX}{credential.pk}:{secret}".encode()).decode()
    with transaction.atomic():
        claimed = LaunchCredential.objects.filter(pk=credential.pk, fetched_at__isnull=True).update(
            fetched_at=now, token_hash=_hash(token)
        )
    if not claimed:
        return FetchOutcome(error_code=FETCH_ALREADY_USED)
    return FetchOutcome(token=token)


def credential_for_token(token: str, *, now=None) -> LaunchCredential | None:
    """The live credential a Basic token belongs to, with its person (one query)."""
    if not token or len(token) > 300:
        return None
    now = now or timezone.now()
    return (
        LaunchCredential.objects.select_related("user")
        .filter(token_hash=_hash(token), expires_at__gt=now, user__is_active=True)
        .first()
    )


def launch_credential_end(*, session_id, now=None) -> None:
    """End a session's credential (the content terminated, or the session was abandoned)."""
    now = now or timezone.now()
    LaunchCredential.objects.filter(session_id=session_id, expires_at__gt=now).update(
        expires_at=now
    )
