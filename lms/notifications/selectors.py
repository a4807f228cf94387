"""Reading notifications and choices: which channels a person gets a kind through, their
notices, and the unread count the header shows (cached)."""

from django.core.cache import cache
from django.db.models import QuerySet

from lms.notifications.models import Channel, Notification, Preference
from lms.notifications.registry import NotificationKind, kinds

UNREAD_CACHE_SECONDS = 60 * 60


def default_channels(*, user, kind: NotificationKind) -> set[str]:
    """The kind's channels; a person without an email address gets its emails as text
    messages instead (many workers have a phone and no address)."""
    channels = set(kind.channels)
    if Channel.EMAIL in channels and not user.email:
        channels.add(Channel.SMS)
    return channels


def channels_for(*, user, kind: NotificationKind, choices: dict | None = None) -> set[str]:
    """The channels ``kind`` reaches ``user`` through: their choice, else the default, and
    only the channels they can be reached by."""
    if choices is None:
        choices = dict(
            Preference.objects.filter(user=user, kind=kind.code).values_list("channel", "enabled")
        )
    defaults = default_channels(user=user, kind=kind)
    if not kind.choosable:
        chosen = defaults
    else:
        chosen = {c for c in Channel.values if choices.get(c, c in defaults)}
    if not user.email:
        chosen.discard(Channel.EMAIL)
    if not getattr(user, "phone", ""):
        chosen.discard(Channel.SMS)
    return chosen


def preference_table(*, user) -> list[dict]:
    """Every choosable kind with, per channel, whether it is on (one query)."""
    stored = {
        (kind, channel): enabled
        for kind, channel, enabled in Preference.objects.filter(user=user).values_list(
            "kind", "channel", "enabled"
        )
    }
    rows = []
    for kind in kinds():
        if not kind.choosable:
            continue
        defaults = default_channels(user=user, kind=kind)
        rows.append(
            {
                "kind": kind,
                "channels": [
                    {
                        "channel": channel,
                        "label": label,
                        "enabled": stored.get((kind.code, channel), channel in defaults),
                        "field": f"{kind.code}:{channel}",
                    }
                    for channel, label in Channel.choices
                ],
            }
        )
    return rows


def notices_for(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, on_site=True).only(
        "pk", "subject", "body", "link", "created_at", "read_at", "kind"
    )


def _unread_key(user_id) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(*, user) -> int:
    """The header's count: counted with the signed-in person when the sign-in backend
    loaded them for the request (``lms.accounts.backends``, decision 0629); otherwise one
    cheap indexed query, then from the cache until a notice arrives or is read (both forget
    it)."""
    counted = getattr(user, "unread_on_site", None)
    if counted is not None:
        return counted
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(
            recipient=user, on_site=True, read_at__isnull=True
        ).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


def unread_count_forget(*, user_id, user=None) -> None:
    """Forget the kept count; ``user``: also the one counted with this person for the
    request, so a page this request renders afterwards counts again."""
    cache.delete(_unread_key(user_id))
    if user is not None and getattr(user, "unread_on_site", None) is not None:
        del user.unread_on_site
