"""Personal recording keys: made once (the key is shown once), checked by hash, revoked."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from lms.records.models import AccessToken

KEY_BYTES = 32


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def access_token_create(*, user, name: str) -> tuple[AccessToken, str]:
    """A new key for ``user``; returns the row and the key, which is not stored."""
    key = secrets.token_urlsafe(KEY_BYTES)
    token = AccessToken(user=user, name=name, key_hash=_hash(key))
    token.full_clean(exclude=["key_hash"])
    token.save()
    return token, key


def access_token_revoke(*, token: AccessToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def user_for_access_token(key: str):
    """The active person a live key belongs to, or ``None``. One query; the last-used time
    is written at most once a minute."""
    if not key or len(key) > 200:
        return None
    token = (
        AccessToken.objects.select_related("user")
        .filter(key_hash=_hash(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
