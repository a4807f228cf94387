"""The load driver: drives one HttpScenario against a running server with Python threads,
each holding its own keep-alive ``http.client`` connection, and measures page weight.

It imports nothing from Django, so it runs in the process that started gunicorn, never in
gunicorn's own workers.
"""

import base64
import gzip
import hashlib
import hmac
import http.client
import itertools
import math
import re
import statistics
import struct
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit

QUERY_COUNT_HEADER = "X-Query-Count"
LOGIN_PATH = "/en/accounts/login/"
SECOND_FACTOR_PATH = "/accounts/2fa/authenticate/"  # allauth's, after a language prefix
TOTP_PERIOD = 30  # seconds; allauth's default, with no tolerance for a neighbouring period
ERROR_SAMPLES = 5


# --- statistics -------------------------------------------------------------------------


def percentile(values, p: float) -> float | None:
    """The p-th percentile (0-100) with linear interpolation between the closest ranks (the
    method numpy uses by default). ``None`` for no values."""
    if not 0 <= p <= 100:
        raise ValueError("p must lie between 0 and 100")
    ordered = sorted(values)
    if not ordered:
        return None
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def latency_summary(latencies_ms) -> dict:
    values = list(latencies_ms)
    if not values:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "mean_ms": None, "max_ms": None}
    return {
        "p50_ms": round(percentile(values, 50), 2),
        "p95_ms": round(percentile(values, 95), 2),
        "p99_ms": round(percentile(values, 99), 2),
        "mean_ms": round(sum(values) / len(values), 2),
        "min_ms": round(min(values), 2),
        "max_ms": round(max(values), 2),
    }


def query_summary(counts) -> dict:
    values = [c for c in counts if c is not None]
    if not values:
        return {"queries_per_request": None, "queries_max": None}
    return {
        "queries_per_request": round(sum(values) / len(values), 2),
        "queries_min": min(values),
        "queries_max": max(values),
    }


# --- HTTP ---------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    elapsed_ms: float

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    @property
    def query_count(self) -> int | None:
        value = self.headers.get(QUERY_COUNT_HEADER)
        return int(value) if value and value.isdigit() else None


@dataclass
class CookieJar:
    """The cookies of one signed-in (or anonymous) visitor, shared by the driver's threads."""

    values: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def header(self) -> str:
        with self.lock:
            return "; ".join(f"{k}={v}" for k, v in self.values.items())

    def update(self, headers: http.client.HTTPMessage) -> None:
        for raw in headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(raw)
            with self.lock:
                for name, morsel in cookie.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.values.pop(name, None)
                    else:
                        self.values[name] = morsel.value


class Client:
    """One keep-alive connection. Reconnects once when the server closed an idle one."""

    def __init__(self, base_url: str, cookies: CookieJar | None = None, timeout: float = 30):
        parts = urlsplit(base_url)
        self.base_url = base_url.rstrip("/")
        self.host = parts.hostname
        self.port = parts.port or 80
        self.timeout = timeout
        self.cookies = cookies if cookies is not None else CookieJar()
        self.connection = None

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        all_headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "lms-bench/1"}
        cookie_header = self.cookies.header()
        if cookie_header:
            all_headers["Cookie"] = cookie_header
        if method not in ("GET", "HEAD") and "csrftoken" in self.cookies.values:
            all_headers.setdefault("X-CSRFToken", self.cookies.values["csrftoken"])
            all_headers.setdefault("Referer", self.base_url + path)
        all_headers.update(headers or {})
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    self.host, self.port, timeout=self.timeout
                )
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=body, headers=all_headers)
                raw = self.connection.getresponse()
                payload = raw.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
                continue
            elapsed_ms = (time.perf_counter() - started) * 1000
            if raw.will_close:
                self.close()
            self.cookies.update(raw.headers)
            return Response(raw.status, raw.headers, payload, elapsed_ms)
        raise AssertionError("unreachable")


class LoginFailed(Exception):
    pass


CSRF_INPUT = re.compile(
    rb'name="csrfmiddlewaretoken"\s+value="([^"]+)"|value="([^"]+)"\s+name="csrfmiddlewaretoken"'
)


def csrf_token_in(html: bytes) -> str | None:
    match = CSRF_INPUT.search(html)
    if not match:
        return None
    return (match.group(1) or match.group(2)).decode()


def totp_code(secret: str, at: float | None = None, *, digits: int = 6) -> str:
    """The time-based one-time password (RFC 6238) for a base32 ``secret`` at the Unix time
    ``at`` (now by default): HMAC-SHA1 of the number of 30-second periods since the epoch,
    dynamically truncated to ``digits`` decimal digits (RFC 4226)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // TOTP_PERIOD)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def login(base_url: str, username: str, password: str, totp_secret: str | None = None):
    """Sign in through allauth's form, as a browser would: GET the form for the CSRF cookie
    and token, POST the credentials, expect the redirect and a session cookie. When the
    site then asks for a second factor (staff), answer with the TOTP code for
    ``totp_secret``. Returns the signed-in visitor's cookies."""
    client = Client(base_url)
    try:
        form = client.request("GET", LOGIN_PATH)
        token = csrf_token_in(form.body)
        if form.status != 200 or not token:
            raise LoginFailed(f"login form answered {form.status} without a CSRF token")
        answer = _post_form(
            client,
            LOGIN_PATH,
            {"csrfmiddlewaretoken": token, "login": username, "password": password},
        )
        if answer.status != 302 or "sessionid" not in client.cookies.values:
            raise LoginFailed(f"signing in as {username!r} answered {answer.status}")
        next_path = _target(urljoin(base_url + LOGIN_PATH, answer.header("Location") or ""))
        if SECOND_FACTOR_PATH in next_path:
            if not totp_secret:
                raise LoginFailed(f"{username!r} must give a second factor: no TOTP secret")
            _second_factor(client, next_path, username, totp_secret)
        return client.cookies
    finally:
        client.close()


def _post_form(client: Client, path: str, fields: dict) -> Response:
    return client.request(
        "POST",
        path,
        urlencode(fields).encode(),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": client.base_url + path,
        },
    )


def _second_factor(client: Client, path: str, username: str, secret: str) -> None:
    form = client.request("GET", path)
    token = csrf_token_in(form.body)
    if form.status != 200 or not token:
        raise LoginFailed(f"the second-factor form answered {form.status} without a CSRF token")
    # A code is valid only within its own period: do not send one about to expire.
    if TOTP_PERIOD - time.time() % TOTP_PERIOD < 2:
        time.sleep(TOTP_PERIOD - time.time() % TOTP_PERIOD + 0.1)
    answer = _post_form(client, path, {"csrfmiddlewaretoken": token, "code": totp_code(secret)})
    location = answer.header("Location") or ""
    if answer.status != 302 or SECOND_FACTOR_PATH in location:
        raise LoginFailed(f"{username!r}: the TOTP code was refused ({answer.status})")


def ensure_csrf_cookie(base_url: str, cookies: CookieJar) -> None:
    if "csrftoken" in cookies.values:
        return
    client = Client(base_url, cookies)
    try:
        client.request("GET", LOGIN_PATH)
    finally:
        client.close()


# --- load -----------------------------------------------------------------------------------


@dataclass
class Sample:
    number: int
    status: int | None
    elapsed_ms: float
    queries: int | None
    size: int
    error: str = ""


def _drive(base_url, scenario, cookies, numbers, total, samples, lock):
    client = Client(base_url, cookies)
    try:
        while True:
            with lock:
                number = next(numbers)
            if number >= total:
                return
            headers = dict(scenario.headers)
            body = None
            if scenario.body is not None:
                body, content_type = scenario.body(number)
                headers["Content-Type"] = content_type
            try:
                response = client.request(scenario.method, scenario.path, body, headers)
            except OSError as error:
                client.close()
                sample = Sample(number, None, 0.0, None, 0, error=repr(error))
            else:
                sample = Sample(
                    number,
                    response.status,
                    response.elapsed_ms,
                    response.query_count,
                    len(response.body),
                )
            with lock:
                samples.append(sample)
    finally:
        client.close()


def run_load(base_url, scenario, cookies: CookieJar, total: int, first_number: int = 0):
    """``total`` requests at ``scenario.concurrency``; returns the samples and wall time."""
    numbers = itertools.count(first_number)
    samples: list[Sample] = []
    lock = threading.Lock()
    threads = [
        threading.Thread(
            target=_drive,
            args=(base_url, scenario, cookies, numbers, first_number + total, samples, lock),
            daemon=True,
        )
        for _ in range(max(1, scenario.concurrency))
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, time.perf_counter() - started


def interleaved_rounds(runs: dict, count: int) -> tuple[list[dict], float | None]:
    """``count`` rounds of two runs one after the other, alternating which goes first, so
    the machine's drift weighs on both alike. ``runs`` names two callables returning results
    with ``requests_per_s``; each round holds both results by those names and the ratio of
    the first's requests/s to the second's. Returns the rounds and their median ratio."""
    (first, _), (second, _) = runs.items()
    rounds = []
    for number in range(count):
        order = (first, second) if number % 2 == 0 else (second, first)
        outcome = {name: runs[name]() for name in order}
        first_rps = outcome[first].get("requests_per_s") or 0
        second_rps = outcome[second].get("requests_per_s") or 0
        outcome["ratio"] = round(first_rps / second_rps, 3) if second_rps else None
        rounds.append(outcome)
    ratios = [r["ratio"] for r in rounds if r["ratio"] is not None]
    return rounds, round(statistics.median(ratios), 3) if ratios else None


def warmup_count(requests: int) -> int:
    return max(5, min(50, requests // 10))


def run_http_scenario(
    base_url: str, scenario, cookies: CookieJar | None = None, server_cpu=None, database_cpu=None
) -> dict:
    """Warm up, then measure: requests/s, latency percentiles, errors, queries and size.
    ``server_cpu``, if given, returns the CPU seconds the server has used so far: the CPU
    cost per request holds even when other work shares the machine, unlike latency.
    ``database_cpu`` likewise for the database backends serving it: a write's index entries
    and commit cost CPU there, which the server's own figure does not show."""
    cookies = cookies if cookies is not None else CookieJar()
    if scenario.method not in ("GET", "HEAD"):
        ensure_csrf_cookie(base_url, cookies)
    warmup = warmup_count(scenario.requests)
    run_load(base_url, scenario, cookies, warmup, first_number=0)
    server_before = server_cpu() if server_cpu else None
    database_before = database_cpu() if database_cpu else None
    cpu_before = time.process_time()
    samples, wall = run_load(base_url, scenario, cookies, scenario.requests, first_number=warmup)
    driver_cpu = time.process_time() - cpu_before
    server_used = server_cpu() - server_before if server_cpu else None
    database_used = database_cpu() - database_before if database_before is not None else None
    errors = [s for s in samples if s.status != scenario.expect_status]
    result = {
        "name": scenario.name,
        "method": scenario.method,
        "path": scenario.path,
        "login": scenario.login,
        "requests": len(samples),
        "warmup_requests": warmup,
        "concurrency": scenario.concurrency,
        "wall_s": round(wall, 3),
        "requests_per_s": round(len(samples) / wall, 2) if wall else None,
        **latency_summary(s.elapsed_ms for s in samples if s.status is not None),
        "errors": len(errors),
        "error_samples": [{"status": s.status, "error": s.error} for s in errors[:ERROR_SAMPLES]],
        **query_summary(s.queries for s in samples),
        # The driver shares the machine with the server: its own CPU time tells how much
        # of the machine it took from gunicorn.
        "driver_cpu_s": round(driver_cpu, 3),
        "server_cpu_ms_per_request": round(server_used * 1000 / len(samples), 2)
        if server_used is not None and samples
        else None,
        "database_cpu_ms_per_request": round(database_used * 1000 / len(samples), 2)
        if database_used is not None and samples
        else None,
        "response_bytes": round(sum(s.size for s in samples) / len(samples)) if samples else 0,
    }
    if scenario.measure_weight:
        result["weight"] = page_weight(
            base_url, scenario.path, cookies, budget_kb=scenario.weight_budget_kb
        )
    return result


# --- page weight ---------------------------------------------------------------------------


class AssetParser(HTMLParser):
    """Collects the stylesheets (<link rel=stylesheet href>) and scripts (<script src>) a
    page loads, in document order, without duplicates."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name.lower(): (value or "") for name, value in attrs}
        if tag == "link":
            rel = attributes.get("rel", "").lower().split()
            href = attributes.get("href", "").strip()
            if "stylesheet" in rel and href and href not in self.stylesheets:
                self.stylesheets.append(href)
        elif tag == "script":
            src = attributes.get("src", "").strip()
            if src and src not in self.scripts:
                self.scripts.append(src)

    handle_startendtag = handle_starttag


def same_origin_assets(html: str, page_url: str) -> list[tuple[str, str]]:
    """(kind, absolute URL) for every same-origin stylesheet and script the page links."""
    parser = AssetParser()
    parser.feed(html)
    parser.close()
    origin = urlsplit(page_url)
    assets = []
    for kind, urls in (("css", parser.stylesheets), ("js", parser.scripts)):
        for url in urls:
            absolute = urljoin(page_url, url)
            parts = urlsplit(absolute)
            if (parts.scheme, parts.netloc) == (origin.scheme, origin.netloc):
                assets.append((kind, absolute))
    return assets


class TextParser(HTMLParser):
    """The characters a browser renders when the page opens: text outside <script>,
    <style> and <template>, and outside closed <details> (their <summary> shows). A browser
    fetches a web font only for text it renders."""

    NEVER_RENDERED = ("script", "style", "template")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.details: list[bool] = []  # for each open <details>: is it closed?

    def handle_starttag(self, tag, attrs):
        if tag in self.NEVER_RENDERED:
            self.hidden += 1
        elif tag == "details":
            closed = "open" not in dict(attrs)
            self.details.append(closed)
            self.hidden += closed
        elif tag == "summary" and self.details and self.details[-1]:
            self.hidden -= 1

    def handle_endtag(self, tag):
        if tag in self.NEVER_RENDERED and self.hidden:
            self.hidden -= 1
        elif tag == "details" and self.details:
            self.hidden -= self.details.pop()
        elif tag == "summary" and self.details and self.details[-1]:
            self.hidden += 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_characters(html: str) -> set[str]:
    parser = TextParser()
    parser.feed(html)
    parser.close()
    return set("".join(parser.parts))


FONT_FACE = re.compile(r"@font-face\s*{([^}]*)}", re.IGNORECASE)
FONT_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
UNICODE_RANGE = re.compile(r"unicode-range\s*:\s*([^;}]+)", re.IGNORECASE)


def parse_unicode_range(value: str) -> list[tuple[int, int]]:
    """``U+0600-06FF, U+200C, U+4??`` as inclusive code point ranges."""
    ranges = []
    for part in value.split(","):
        part = part.strip().upper().removeprefix("U+")
        if not part:
            continue
        if "?" in part:
            ranges.append((int(part.replace("?", "0"), 16), int(part.replace("?", "F"), 16)))
        elif "-" in part:
            low, high = part.split("-", 1)
            ranges.append((int(low, 16), int(high.removeprefix("U+"), 16)))
        else:
            ranges.append((int(part, 16), int(part, 16)))
    return ranges


def fonts_for_text(css: str, css_url: str, characters: set[str]) -> list[str]:
    """The font files of ``css``'s @font-face rules whose unicode-range covers a character
    of the page: what a browser may download for it (every weight counted, so an upper
    bound). Faces without a unicode-range are left out: whether they load depends on the
    cascade, which this does not compute."""
    code_points = {ord(c) for c in characters}
    urls = []
    for block in FONT_FACE.findall(css):
        declared = UNICODE_RANGE.search(block)
        source = FONT_URL.search(block)
        if not declared or not source:
            continue
        ranges = parse_unicode_range(declared.group(1))
        if any(low <= cp <= high for cp in code_points for low, high in ranges):
            url = urljoin(css_url, source.group(1))
            if url not in urls:
                urls.append(url)
    return urls


def compressed_size(response: Response) -> int:
    """What the bytes cost on the wire gzip-compressed: the served size when the server
    compressed them (whitenoise's .gz files), else gzip level 6 (nginx's usual setting)."""
    if (response.header("Content-Encoding") or "").lower() == "gzip":
        return len(response.body)
    return len(gzip.compress(response.body, compresslevel=6))


def _uncompressed_size(response: Response) -> int:
    if (response.header("Content-Encoding") or "").lower() == "gzip":
        return len(gzip.decompress(response.body))
    return len(response.body)


def page_weight(base_url: str, path: str, cookies: CookieJar, budget_kb: float | None) -> dict:
    client = Client(base_url, cookies)
    try:
        page = client.request("GET", path, headers={"Accept-Encoding": "gzip"})
        html = page.body
        if (page.header("Content-Encoding") or "").lower() == "gzip":
            html = gzip.decompress(html)
        items = [
            {
                "kind": "html",
                "url": path,
                "status": page.status,
                "bytes": _uncompressed_size(page),
                "gzip_bytes": compressed_size(page),
            }
        ]
        text = html.decode("utf-8", "replace")
        characters = visible_characters(text)
        font_urls: list[str] = []
        for kind, url in same_origin_assets(text, base_url + path):
            asset = client.request("GET", _target(url), headers={"Accept-Encoding": "gzip"})
            items.append(
                {
                    "kind": kind,
                    "url": _target(url),
                    "status": asset.status,
                    "bytes": _uncompressed_size(asset),
                    "gzip_bytes": compressed_size(asset),
                }
            )
            if kind == "css" and asset.status == 200:
                css = asset.body
                if (asset.header("Content-Encoding") or "").lower() == "gzip":
                    css = gzip.decompress(css)
                for font in fonts_for_text(css.decode("utf-8", "replace"), url, characters):
                    if font not in font_urls and _same_origin(font, base_url):
                        font_urls.append(font)
        fonts = []
        for url in font_urls:
            font = client.request("GET", _target(url))
            fonts.append({"url": _target(url), "status": font.status, "bytes": len(font.body)})
    finally:
        client.close()
    total = sum(item["gzip_bytes"] for item in items)
    font_bytes = sum(font["bytes"] for font in fonts)
    return {
        "items": items,
        "total_bytes": sum(item["bytes"] for item in items),
        "total_gzip_bytes": total,
        "total_gzip_kb": round(total / 1024, 1),
        "budget_kb": budget_kb,
        "within_budget": None if budget_kb is None else total <= budget_kb * 1024,
        # Web fonts are outside the budget (HTML + CSS + JS) but a reader pays for them:
        # the faces whose unicode-range covers the page's text, every weight counted.
        "fonts": fonts,
        "fonts_bytes": font_bytes,
        "fonts_kb": round(font_bytes / 1024, 1),
    }


def _target(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _same_origin(url: str, base_url: str) -> bool:
    a, b = urlsplit(url), urlsplit(base_url)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc)
