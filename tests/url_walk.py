"""Every route of the URL configuration, and a way to turn one into a concrete path with
chosen (or sample) parameters. Used by the URL walk (who needs a second factor) and the fuzz
test (no 500 whatever the parameters)."""

import re
import uuid
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils.regex_helper import normalize

SAMPLE_UUID = str(uuid.UUID(int=1, version=4))
# Tried in order: the first a parameter's regex accepts is its sample.
SAMPLES = ["1", "x", "en", "hide", "language", SAMPLE_UUID, "a-b", "x/y", "x/", ""]


@dataclass
class Route:
    parts: list = field(default_factory=list)  # the pattern objects, outermost first
    name: str = ""  # namespaced URL name, "" when unnamed
    callback: object = None

    @property
    def route(self) -> str:
        return "".join(str(p.pattern) for p in self.parts)

    def parameters(self) -> list[tuple[str, re.Pattern]]:
        """(name, regex the value must match) of every parameter, outermost first."""
        found = []
        for part in self.parts:
            pattern = part.pattern
            if isinstance(pattern, RoutePattern):
                for name, converter in pattern.converters.items():
                    found.append((name, re.compile(converter.regex)))
            elif isinstance(pattern, RegexPattern):
                groups = {index: name for name, index in pattern.regex.groupindex.items()}
                for index in range(1, pattern.regex.groups + 1):
                    if index in groups:
                        found.append((groups[index], re.compile(r"[^/]*|.*")))
                    elif not _inner_group(pattern.regex.pattern, index):
                        found.append((f"_{index - 1}", re.compile(r"[^/]*|.*")))
        return found

    def path(self, values: dict | None = None) -> str | None:
        """A concrete path ("/en/learn/cohorts/3/") for this route: parameters from ``values``
        where given, else a sample each accepts. None when no sample fits."""
        values = values or {}
        built = "/"
        for part in self.parts:
            segment = _segment(part.pattern, values)
            if segment is None:
                return None
            built += segment
        return built


def _inner_group(regex: str, index: int) -> bool:
    """Whether the index-th group is nested inside another (normalize() ignores those)."""
    depth, count, i = 0, 0, 0
    while i < len(regex):
        char = regex[i]
        if char == "\\":
            i += 2
            continue
        if char == "(":
            capturing = not regex.startswith("(?", i) or regex.startswith("(?P<", i)
            if capturing:
                count += 1
                if count == index:
                    return depth > 0
            depth += 1
        elif char == ")":
            depth -= 1
        i += 1
    return False


def _segment(pattern, values) -> str | None:
    if isinstance(pattern, LocalePrefixPattern):
        return pattern.language_prefix
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        for name, converter in pattern.converters.items():
            value = values.get(name)
            if value is None:
                value = next(
                    (s for s in SAMPLES if re.fullmatch(converter.regex, s)),
                    None,
                )
                if value is None:
                    return None
            route = re.sub(rf"<(?:\w+:)?{name}>", lambda _m, v=str(value): v, route, count=1)
        return route
    regex = pattern.regex
    for template, params in normalize(regex.pattern):
        candidates = [[str(values[p])] if p in values else SAMPLES for p in params]
        for combination in _combinations(candidates):
            text = template % dict(zip(params, combination, strict=True))
            if regex.fullmatch(text) or (not regex.pattern.endswith("$") and regex.match(text)):
                return text
    return None


def _combinations(candidates):
    if not candidates:
        yield ()
        return
    for first in candidates[0]:
        for rest in _combinations(candidates[1:]):
            yield (first, *rest)


def all_routes() -> list[Route]:
    """Every view of the URL configuration (language-prefixed ones in the default language)."""
    routes = []

    def walk(resolver, parts, namespaces):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(
                    entry,
                    [*parts, entry],
                    [*namespaces, entry.namespace] if entry.namespace else namespaces,
                )
            elif isinstance(entry, URLPattern):
                name = ":".join([*namespaces, entry.name]) if entry.name else ""
                routes.append(Route(parts=[*parts, entry], name=name, callback=entry.callback))

    walk(get_resolver(), [], [])
    return routes
