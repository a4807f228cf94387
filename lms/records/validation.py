"""The shape every statement must have before anything is written.

A statement is JSON the client made, so nothing in it is trusted: before the store reads a
field it checks the whole document once (``check_document``): nesting and size bounded,
every number finite and of a sane size, every string free of NUL characters and lone
surrogates (PostgreSQL refuses both in ``jsonb``; SQLite turns ``NaN`` into NULL), every key
a short string. Each refusal names the field, as a dotted path (``result.score.raw``).
The specific fields (ids, dates, scores, ``contextActivities``) are then checked by the
functions below, used by ``lms.records.services``.
"""

import math
import re
import uuid
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

MAX_DEPTH = 12
MAX_NODES = 2000
MAX_STRING = 8000
MAX_KEY = 300
# Integers beyond 2**53 are not exact in JavaScript (or in a float column); no learning
# record needs them.
MAX_INTEGER = 2**53
MAX_FLOAT = 1e15
MAX_SCORE = 1e9
MAX_CONTEXT_ACTIVITIES = 20
CONTEXT_ACTIVITY_KINDS = ("parent", "grouping", "category", "other")
# Learning records from before the programme's first course are typing mistakes (or tricks).
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


class Malformed(ValueError):
    """A field of a statement is not acceptable: ``field`` names it, ``message`` says why
    (translated)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _path(parent: str, key) -> str:
    return f"{parent}.{key}" if parent else str(key)


# json.loads joins a valid surrogate pair into one character, so any surrogate left
# standing alone is one that cannot be encoded (UTF-8, PostgreSQL). One scan in C: the
# character-by-character test in Python was a quarter of a statement's validation.
_BAD_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


def _has_bad_characters(text: str) -> bool:
    return _BAD_CHARACTERS.search(text) is not None


def check_string(value: str, field: str, *, max_length: int = MAX_STRING) -> None:
    if len(value) > max_length:
        raise Malformed(
            field,
            _("%(field)s is longer than %(max)s characters.") % {"field": field, "max": max_length},
        )
    if _has_bad_characters(value):
        raise Malformed(
            field,
            _("%(field)s contains a NUL character or an unpaired surrogate.") % {"field": field},
        )


def check_number(value, field: str) -> None:
    if isinstance(value, int):
        if abs(value) > MAX_INTEGER:
            raise Malformed(field, _("%(field)s is out of range.") % {"field": field})
        return
    if not math.isfinite(value) or abs(value) > MAX_FLOAT:
        raise Malformed(field, _("%(field)s must be a finite number.") % {"field": field})


def check_document(document, *, field: str = "") -> None:
    """Walk the whole JSON document iteratively (no recursion to exhaust) and refuse the
    first thing out of bounds."""
    nodes = 0
    stack = [(document, field, 0)]
    while stack:
        value, parent, depth = stack.pop()
        path = parent or "statement"  # what the messages name
        nodes += 1
        if nodes > MAX_NODES:
            raise Malformed(
                field or "statement",
                _("The statement has more than %(max)s values.") % {"max": MAX_NODES},
            )
        if depth > MAX_DEPTH:
            raise Malformed(path, _("%(field)s is nested too deeply.") % {"field": path[:MAX_KEY]})
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float):
            check_number(value, path)
        elif isinstance(value, str):
            check_string(value, path)
        elif isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise Malformed(
                        path, _("%(field)s has a key that is not text.") % {"field": path}
                    )
                check_string(key, _path(path, "<key>"), max_length=MAX_KEY)
                stack.append((item, _path(parent, key), depth + 1))
        elif isinstance(value, list):
            stack.extend((item, _path(parent, i), depth + 1) for i, item in enumerate(value))
        else:
            raise Malformed(path, _("%(field)s is not a JSON value.") % {"field": path})


def object_or_empty(value, field: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Malformed(field, _("%(field)s must be a JSON object.") % {"field": field})
    return value


def identifier(value, field: str, *, max_length: int) -> str:
    if not isinstance(value, str) or not value or len(value) > max_length:
        raise Malformed(
            field,
            _("%(field)s must be an identifier of at most %(max)s characters.")
            % {"field": field, "max": max_length},
        )
    return value


def uuid_or_none(value, field: str) -> uuid.UUID | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Malformed(field, _("%(field)s must be a UUID.") % {"field": field})
    try:
        return uuid.UUID(value)
    except ValueError as error:
        raise Malformed(field, _("%(field)s must be a UUID.") % {"field": field}) from error


def timestamp(value, *, now: datetime, skew) -> datetime:
    """An ISO 8601 date and time that exists (no 30 February), between 2000 and now."""
    field = "timestamp"
    if value is None:
        return now
    message = _("timestamp must be an ISO 8601 date and time.")
    if not isinstance(value, str) or len(value) > 64:
        raise Malformed(field, message)
    try:
        moment = parse_datetime(value)
    except (ValueError, OverflowError) as error:
        raise Malformed(field, message) from error
    if moment is None:
        raise Malformed(field, message)
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, UTC)
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError) as error:
        raise Malformed(field, message) from error
    if moment > now + skew:
        raise Malformed(field, _("timestamp is in the future."))
    if moment < EARLIEST:
        raise Malformed(field, _("timestamp is before the year 2000."))
    return moment


def score(result: dict) -> dict:
    """``result.score`` as floats (``scaled``, ``raw``, ``min``, ``max``), each finite and
    consistent: scaled within -1..1, min < max, raw between them."""
    raw_score = object_or_empty(result.get("score"), "result.score")
    values = {}
    for name in ("scaled", "raw", "min", "max"):
        value = raw_score.get(name)
        field = f"result.score.{name}"
        if value is None:
            values[name] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Malformed(field, _("%(field)s must be a number.") % {"field": field})
        if not math.isfinite(value) or abs(value) > MAX_SCORE:
            raise Malformed(field, _("%(field)s is out of range.") % {"field": field})
        values[name] = float(value)
    scaled, raw, low, high = values["scaled"], values["raw"], values["min"], values["max"]
    if scaled is not None and not -1 <= scaled <= 1:
        raise Malformed(
            "result.score.scaled",
            _("%(field)s is out of range.") % {"field": "result.score.scaled"},
        )
    if low is not None and high is not None and low >= high:
        raise Malformed(
            "result.score.max",
            _("result.score.max must be greater than result.score.min."),
        )
    if raw is not None and high is not None and raw > high:
        raise Malformed("result.score.raw", _("result.score.raw is greater than result.score.max."))
    if raw is not None and low is not None and raw < low:
        raise Malformed("result.score.raw", _("result.score.raw is less than result.score.min."))
    return values


def boolean_or_none(value, field: str):
    if value is not None and not isinstance(value, bool):
        raise Malformed(field, _("%(field)s must be true or false.") % {"field": field})
    return value


def context_activities(context: dict) -> dict[str, list[dict]]:
    """``context.contextActivities``: an object whose ``parent``, ``grouping``,
    ``category`` and ``other`` are each an activity or a list of activities with an id."""
    activities = object_or_empty(context.get("contextActivities"), "context.contextActivities")
    shaped = {}
    for name, value in activities.items():
        field = f"context.contextActivities.{name}"
        if name not in CONTEXT_ACTIVITY_KINDS:
            raise Malformed(
                field,
                _("%(field)s is not one of parent, grouping, category and other.")
                % {"field": field},
            )
        items = [value] if isinstance(value, dict) else value
        if not isinstance(items, list) or len(items) > MAX_CONTEXT_ACTIVITIES:
            raise Malformed(
                field,
                _("%(field)s must be an activity or a list of at most %(max)s activities.")
                % {"field": field, "max": MAX_CONTEXT_ACTIVITIES},
            )
        for index, item in enumerate(items):
            item_field = f"{field}.{index}"
            if not isinstance(item, dict):
                raise Malformed(
                    item_field, _("%(field)s must be a JSON object.") % {"field": item_field}
                )
            identifier(item.get("id"), f"{item_field}.id", max_length=300)
        shaped[name] = items
    return shaped
