"""JSON from outside (request bodies, a package's saved state): one parser for every endpoint.

Python's own parser accepts what JSON does not (NaN, Infinity) and, on deeply nested input,
either raises RecursionError or hands the rest of the code a structure deep enough to exhaust
the stack later. ``loads`` refuses both with ValueError, so a caller needs one ``except``."""

import json
import re
from itertools import accumulate

MAX_DEPTH = 64


class InvalidJSON(ValueError):
    """The text is not JSON we accept; the message says why, in English for logs."""


def _refuse_constant(name):
    raise InvalidJSON(f"{name} is not JSON")


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects, counted outside strings."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def loads(data: bytes | str, *, default=None, max_depth: int = MAX_DEPTH):
    """Parse ``data`` (``default`` when it is empty). Raises InvalidJSON (a ValueError) for
    bytes that are not UTF-8, text that is not JSON, NaN or Infinity, or nesting deeper than
    ``max_depth``."""
    if not data:
        return default
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InvalidJSON("not UTF-8") from error
    if nesting_depth(data) > max_depth:
        raise InvalidJSON(f"nested deeper than {max_depth}")
    try:
        return json.loads(data, parse_constant=_refuse_constant)
    except RecursionError as error:  # pragma: no cover - the depth check comes first
        raise InvalidJSON("nested too deeply") from error
    except json.JSONDecodeError as error:
        raise InvalidJSON(str(error)) from error
