"""Sessions kept in the cache (Redis in production), read together with what a request asks
the page cache's store for right after, in one round trip (decision 0630).

A statement write reads the session, then (once the session names the person) the person's
kept record access: two round trips to the same Redis, one after the other. The second needs
the person's id, which only the session holds; so each process remembers which person a
session key was signed in as (the session's own ``_auth_user_id``, learnt when it was last
read here), and a request registered with ``read_ahead_register`` reads the session and that
person's keys in one ``MGET``. The keys are used only when the session read with them names
the same person (sessions are never shared between people: signing in gives a new key); the
first request of a session in a process, or a session signed in again, reads as before.
Nothing is written ahead, and what was read is used once, by the request that read it,
before it reads any row (as each key's reader requires).

Where the session's cache and the page cache's store are not one Redis (local memory, a
file cache, two servers), the two reads stay apart, at the same moments as the one read.
"""

import contextlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cache as cache_sessions
from django.core.cache import caches

logger = logging.getLogger(__name__)

# (method, path) -> the page cache's keys to read with a session signed in as a person
# (the person's id, as the session stores it: a string).
_READ_AHEAD: dict[tuple[str, str], Callable[[str], list[str]]] = {}
# A session key -> the id of the person it was last read as, in this process.
_PERSON_OF_SESSION: dict[str, str] = {}
MAX_SESSIONS_KNOWN = 5_000  # about 0.8 MB of keys and ids at most


def read_ahead_register(*, method: str, path: str, keys: Callable[[str], list[str]]) -> None:
    """Read ``keys(person_id)`` from the page cache's store with the session of every
    ``method`` request of ``path`` (its ``path_info``), when the process knows the session."""
    _READ_AHEAD[(method, path)] = keys


def read_ahead_plan(request) -> None:
    """Tell the request's session what to read with it (the authentication middleware calls
    this before anything reads the session)."""
    keys = _READ_AHEAD.get((request.method, request.path_info))
    session = getattr(request, "session", None)
    if keys is not None and isinstance(session, SessionStore):
        session.read_ahead_keys = keys


def read_ahead_taken(person, keys: list[str]) -> dict | None:
    """What was read of ``keys`` with this person's session (missing keys left out, as
    ``get_many`` leaves them), once; None when they were not all read with it."""
    read = getattr(person, "_store_read_ahead", None)
    if read is None:
        return None
    person._store_read_ahead = None
    wanted, found = read
    if not set(keys) <= wanted:
        return None
    return {key: found[key] for key in keys if key in found}


def read_ahead_give(request, person) -> None:
    """Hand what was read with the session to the person it names (for ``read_ahead_taken``)."""
    read = getattr(getattr(request, "session", None), "read_ahead", None)
    if read is not None and person.is_authenticated and str(person.pk) == read[0]:
        person._store_read_ahead = read[1]


def _same_redis(one, other) -> bool:
    """Whether two caches are django-redis clients of the same Redis database (one MGET can
    read both)."""
    try:
        from django_redis.cache import RedisCache
        from django_redis.client import DefaultClient
    except ImportError:  # pragma: no cover - django-redis is a dependency
        return False
    return (
        isinstance(one, RedisCache)
        and isinstance(other, RedisCache)
        and type(one.client) is DefaultClient
        and type(other.client) is DefaultClient
        and one._server == other._server
        and one._params.get("OPTIONS") == other._params.get("OPTIONS")
    )


def _read_together(sessions, session_key: str, store, keys: list[str]):
    """The session's data (None when there is none) and ``store.get_many(keys)``."""
    if not _same_redis(sessions, store):
        return sessions.get(session_key), store.get_many(keys)
    client, store_client = sessions.client, store.client
    raw_keys = [client.make_key(session_key), *(store_client.make_key(key) for key in keys)]
    values = client.get_client(write=False).mget(raw_keys)
    session = None if values[0] is None else client.decode(values[0])
    found = {
        key: store_client.decode(value)
        for key, value in zip(keys, values[1:], strict=True)
        if value is not None
    }
    return session, found


def _remember(session_key: str, person_id) -> None:
    if person_id is None:
        _PERSON_OF_SESSION.pop(session_key, None)
        return
    if len(_PERSON_OF_SESSION) >= MAX_SESSIONS_KNOWN:
        # The oldest first (dicts keep their order); another thread may have taken it.
        with contextlib.suppress(KeyError, StopIteration, RuntimeError):
            del _PERSON_OF_SESSION[next(iter(_PERSON_OF_SESSION))]
    _PERSON_OF_SESSION[session_key] = str(person_id)


class SessionStore(cache_sessions.SessionStore):
    """Django's cache sessions (the same keys and data), read with the registered keys."""

    read_ahead_keys: Callable[[str], list[str]] | None = None
    # After loading: (the person's id, (the keys read, {key: value found}))
    read_ahead: tuple[str, tuple[set[str], dict]] | None = None

    def load(self):
        data = None
        session_key = self.session_key
        person = _PERSON_OF_SESSION.get(session_key) if self.read_ahead_keys else None
        if person is not None:
            keys = list(self.read_ahead_keys(person))
            try:
                data, found = _read_together(
                    self._cache, self.cache_key, caches[settings.PAGE_CACHE_ALIAS], keys
                )
            except Exception:  # read as Django does, which resets the session if it fails
                logger.warning("sessions: could not read ahead", exc_info=True)
                data = None
            else:
                if data is None:
                    self._session_key = None
                    data = {}
                elif str(data.get(SESSION_KEY)) == person:
                    self.read_ahead = (person, (set(keys), found))
        if data is None:
            data = super().load()
        if session_key:
            _remember(session_key, data.get(SESSION_KEY))
        return data
