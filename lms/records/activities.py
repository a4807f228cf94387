"""Activity identifiers and the registry through which rooms claim them.

An activity id is a URN: ``urn:betterwork:<kind>:<key>`` (``urn:betterwork:lesson:42``).
The room that owns a kind registers it with an authoriser: given a person and the keys in
a batch, it answers which of them that person may record learning about (for example: the
lessons of courses they are enrolled in). The core never imports a room; rooms call
:func:`register_activity_kind` from their ``AppConfig.ready``.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

PREFIX = "urn:betterwork:"

Authoriser = Callable[[object, set[str]], set[str]]


@dataclass(frozen=True)
class ActivityKind:
    name: str
    authorise: Authoriser


_kinds: dict[str, ActivityKind] = {}


def register_activity_kind(name: str, authorise: Authoriser) -> None:
    """Let ``authorise(user, keys) -> allowed_keys`` decide who may record about ``name``."""
    _kinds[name] = ActivityKind(name=name, authorise=authorise)


def registered_kinds() -> dict[str, ActivityKind]:
    return dict(_kinds)


def activity_id(kind: str, key: object) -> str:
    return f"{PREFIX}{kind}:{key}"


def parse_activity_id(value: str) -> tuple[str, str] | None:
    """``(kind, key)`` for one of our activity ids, ``None`` for anything else."""
    if not isinstance(value, str) or not value.startswith(PREFIX):
        return None
    kind, _, key = value[len(PREFIX) :].partition(":")
    if not kind or not key:
        return None
    return kind, key


def keys_of_kind(activity_ids: Iterable[str], kind: str) -> set[str]:
    keys = set()
    for value in activity_ids:
        parsed = parse_activity_id(value)
        if parsed and parsed[0] == kind:
            keys.add(parsed[1])
    return keys
