"""Activity identifiers and the registry through which rooms claim them.

An activity id is a URN: ``urn:betterwork:<kind>:<key>`` (``urn:betterwork:lesson:42``).
The room that owns a kind registers it with an authoriser: given a person and the keys in
a batch, it answers which of them that person may record learning about (for example: the
lessons of courses they are enrolled in). The core never imports a room; rooms call
:func:`register_activity_kind` from their ``AppConfig.ready``.

An authoriser answers with the set of allowed keys, or with an :class:`Authorisation` when
it can say why a key is refused (a module that has not opened yet for this learner). A
refusal with a reason binds more widely than a plain "not allowed": it also refuses
statements that name the activity as their context parent (an H5P result inside a lesson),
whereas a parent the person is merely not enrolled in is left alone (staff previewing a
package in a lesson record their own results; they count for no one's progress).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

PREFIX = "urn:betterwork:"


@dataclass(frozen=True)
class Refusal:
    """Why a person may not record about an activity now: ``reason`` is translated, for
    them; ``code`` is for apps (the endpoint's ``error``)."""

    reason: str
    code: str = "forbidden"


@dataclass(frozen=True)
class Authorisation:
    allowed: set[str]
    refused: dict[str, Refusal] = field(default_factory=dict)


Authoriser = Callable[[object, set[str]], "set[str] | Authorisation"]


@dataclass(frozen=True)
class ActivityKind:
    name: str
    authorise: Authoriser
    # Scored by the site itself from the learner's answers (a pre/post test, a knowledge
    # check): only the owning room's services record about it, never a client.
    server_scored: bool = False

    def decide(self, user, keys: set[str]) -> Authorisation:
        """The authoriser's answer, always as an :class:`Authorisation`."""
        answer = self.authorise(user, keys)
        if isinstance(answer, Authorisation):
            return answer
        return Authorisation(allowed=set(answer))


_kinds: dict[str, ActivityKind] = {}


def register_activity_kind(
    name: str, authorise: Authoriser, *, server_scored: bool = False
) -> None:
    """Let ``authorise(user, keys) -> allowed_keys | Authorisation`` decide who may record
    about ``name``. It is called once per kind and batch, so it should cost a fixed number
    of queries whatever the number of keys. ``server_scored`` kinds are refused from
    clients (403 ``server_scored``): the room's services record them with
    ``statements_record(..., scored_by_server=True)``."""
    _kinds[name] = ActivityKind(name=name, authorise=authorise, server_scored=server_scored)


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


# Groups staff may query statements by (a course, a cohort): the owning room registers a
# resolver ``(key) -> Q on Statement or None`` (``None``: no such group), from its
# ``AppConfig.ready``; ``lms.records.xapi_staff`` reads them.
_statement_groups: dict[str, Callable[[str], object]] = {}


def register_statement_group(name: str, resolve: Callable[[str], object]) -> None:
    _statement_groups[name] = resolve


def statement_groups() -> dict[str, Callable[[str], object]]:
    return dict(_statement_groups)
