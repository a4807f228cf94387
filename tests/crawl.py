"""A crawler that reads the site the way a hostile visitor does: it follows every link a page
offers, then sends every form it finds back with its own values, with hostile text, with
choices the form never offered, with numbers too large for any column and with fields left
out. Any answer of 500 (or an exception inside a view) is a finding.

Used by tests/test_whole_demo.py on the demo database; the same crawler can be pointed at a
bigger database from a shell (``crawl(client, start, budget=...)``)."""

from __future__ import annotations

import re
import traceback
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.core.signals import got_request_exception

HOSTILE_TEXT = [
    "'\"><script>alert(1)</script>",
    "\u202eevil\u202c",
    "x" * 5000,
    "\x00",
    "🙂" * 10,
    "ស្រីពៅ ១២៣",
    "-1",
    "9" * 40,
    "1e309",
    "NaN",
    "../../etc/passwd",
    "2026-02-31",
    "",
]

# Paths and forms the crawler leaves alone: signing out ends the crawl's own session, and
# deleting or deactivating would remove what the rest of the crawl reads.
SKIPPED = re.compile(
    r"logout|sign-?out|/delete|/deactivate|/reauthenticate|/password/change|/2fa/|/mfa/"
    r"|/email/|/unpublish|/revisions/\d+/revert|/workflow|/lock/|/unlock/|/move/|/copy/",
    re.I,
)
NUMBER_SHAPE = re.compile(r"\d+")


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str, str, list[str]]] = field(default_factory=list)
    # (name, kind, value, options): kind is the input type, "select" or "textarea"


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, list[str], list[str]] | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = Form(
                action=a.get("action") or "", method=(a.get("method") or "get").lower()
            )
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                self._form.fields.append((a["name"], kind + "-off", a.get("value") or "on", []))
                return
            self._form.fields.append((a["name"], kind, a.get("value") or "", []))
        elif tag == "select" and a.get("name"):
            self._select = (a["name"], [], [])
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select[1].append(value)
            if "selected" in a:
                self._select[2].append(value)
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form.fields.append((a["name"], "textarea", "", []))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options, selected = self._select
            self._form.fields.append(
                (
                    name,
                    "select",
                    selected[0] if selected else (options[0] if options else ""),
                    options,
                )
            )
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            name, kind, value, options = self._form.fields[-1]
            self._form.fields[-1] = (name, kind, value + data, options)


@dataclass
class Finding:
    who: str
    method: str
    path: str
    status: int
    data: dict | None = None
    error: str = ""

    def __str__(self):
        sent = f" data={dict(list((self.data or {}).items())[:6])!r}" if self.data else ""
        return f"[{self.who}] {self.status} {self.method.upper()} {self.path}{sent}\n{self.error}"


def _shape(url: str) -> str:
    parts = urlsplit(url)
    keys = ",".join(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    return NUMBER_SHAPE.sub("N", parts.path) + "?" + keys


def _variants(form: Form, *, hostile_once: bool = False):
    """The form's own values; hostile text in every field (two rotations, so each field meets
    several kinds); choices the form never offered; and nothing but the CSRF token.

    ``hostile_once`` (the quick crawl of every test run): only the first rotation, which
    puts hostile text, numbers too large and impossible keys in every field at once."""
    own = {}
    for name, kind, value, _options in form.fields:
        if kind.endswith("-off"):
            continue
        own.setdefault(name, value)
    if not hostile_once:
        yield own
    for offset in (0,) if hostile_once else (0, 5):
        data = {}
        for position, (name, kind, value, _options) in enumerate(form.fields):
            if name in {"csrfmiddlewaretoken", "next"}:
                data[name] = value
            elif kind != "file":
                data[name] = HOSTILE_TEXT[(position + offset) % len(HOSTILE_TEXT)]
        yield data
    if hostile_once:
        return
    data = dict(own)
    for name, kind, _value, options in form.fields:
        if kind == "select":
            data[name] = "999999999999" if all(o.isdigit() for o in options if o) else "nope"
    yield data
    yield {k: v for k, v in own.items() if k == "csrfmiddlewaretoken"}


def crawl(
    client,
    start: list[str],
    *,
    who: str,
    budget: int = 400,
    per_shape: int = 2,
    hostile_once: bool = False,
):
    """Follow links from ``start`` and send every form found back; return the findings."""
    findings: list[Finding] = []
    captured: list[str] = []

    def capture(sender, request=None, **kwargs):
        captured.append(traceback.format_exc(limit=-6))

    got_request_exception.connect(capture, weak=False)
    seen_shapes: dict[str, int] = {}
    seen_urls: set[str] = set()
    tried_forms: set[str] = set()
    queue = deque(start)
    visited = 0

    def request(method, url, data=None):
        captured.clear()
        try:
            if method == "get":
                response = client.get(url, data=data, follow=False)
            else:
                response = client.post(url, data=data or {}, follow=False)
        except Exception:
            findings.append(Finding(who, method, url, 500, data, traceback.format_exc(limit=-6)))
            return None
        if response.status_code >= 500 or captured:
            findings.append(
                Finding(who, method, url, response.status_code, data, "\n".join(captured))
            )
        return response

    try:
        while queue and visited < budget:
            url = queue.popleft()
            if url in seen_urls or SKIPPED.search(url):
                continue
            seen_urls.add(url)
            shape = _shape(url)
            if seen_shapes.get(shape, 0) >= per_shape:
                continue
            seen_shapes[shape] = seen_shapes.get(shape, 0) + 1
            visited += 1
            response = request("get", url)
            if response is None or response.status_code != 200:
                continue
            if "html" not in response.get("Content-Type", ""):
                continue
            parser = _PageParser()
            parser.feed(response.content.decode("utf-8", "replace"))
            for href in parser.links:
                target = urljoin(url, href)
                parts = urlsplit(target)
                if parts.scheme not in {"", "http"} or parts.netloc not in {"", "testserver"}:
                    continue
                local = parts.path + (f"?{parts.query}" if parts.query else "")
                if local not in seen_urls:
                    queue.append(local)
            for form in parser.forms:
                action = urlsplit(urljoin(url, form.action or url))
                if action.netloc not in {"", "testserver"} or SKIPPED.search(action.path):
                    continue
                target = action.path + (f"?{action.query}" if action.query else "")
                key = form.method + _shape(target) + ",".join(sorted(f[0] for f in form.fields))
                if key in tried_forms:
                    continue
                tried_forms.add(key)
                for data in _variants(form, hostile_once=hostile_once):
                    if form.method == "get":
                        query = urlencode(
                            [(k, v) for k, v in data.items() if k != "csrfmiddlewaretoken"]
                        )
                        request("get", action.path + ("?" + query if query else ""))
                    else:
                        request("post", target, data)
    finally:
        got_request_exception.disconnect(capture)
    return findings, visited
