"""The kinds of notification, registered by the rooms when they start (``AppConfig.ready``).

A kind says what it is called on the preferences page, which channels it uses when the person
chose nothing, and how to write it: ``render(recipient=..., params=..., context=...)`` returns
a ``Message`` and is called once, inside ``translation.override`` of the recipient's language.
``params`` are stored with the notification (JSON); ``context`` holds objects the caller
already loaded and is not stored."""

from collections.abc import Callable
from dataclasses import dataclass, field

from lms.notifications.models import Channel


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    # A path on this site (or an absolute address) the notice and the SMS point to.
    link: str = ""
    # The text message; by default the subject and the link.
    sms: str = ""
    # An HTML alternative of the body, and headers of the email (List-Unsubscribe ...).
    html: str = ""
    headers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class NotificationKind:
    code: str
    label: object
    render: Callable[..., Message]
    channels: frozenset = field(default_factory=lambda: frozenset({Channel.SITE, Channel.EMAIL}))
    # Who receives it, for the preferences page ("learners", "assessors" ...); optional.
    help_text: object = ""
    # Whether people may switch it off; an account's security notices may not.
    choosable: bool = True


_KINDS: dict[str, NotificationKind] = {}


class UnknownKind(LookupError):
    pass


def register_kind(kind: NotificationKind) -> NotificationKind:
    """Register ``kind`` (again: the later registration wins, as after a reload)."""
    _KINDS[kind.code] = kind
    return kind


def kind_get(code: str) -> NotificationKind:
    try:
        return _KINDS[code]
    except KeyError:
        raise UnknownKind(code) from None


def kinds() -> list[NotificationKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.code)
