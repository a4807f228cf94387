"""The shared page cache: public pages rendered once and served to every anonymous visitor
from the cache (Redis in production, files on one machine without it), until something
they show changes (docs/decisions/0007-page-cache-and-search.md, 0032-page-cache-hit-path.md).

What is cached: a GET whose view opted in (``@public_page_cache`` on a view, or a page type
with ``page_cache = True``), answered 200 to a visitor who is not signed in, keyed by
host, address and language (the path's prefix, ``/en/...``; for an address without one, the
language an anonymous visitor gets from their cookie or ``Accept-Language``), with
no cookie set and no CSRF token used by the page, and nothing private in its
``Cache-Control``. A visitor who sends any cookie besides the CSRF and language cookies
(a session, pending messages) always gets a fresh page.

Invalidation: every entry is stored with the *content generation* read before the page was
rendered; publishing, unpublishing, moving or deleting a page, or saving or deleting a
snippet, image, document, taxonomy term or any model named in ``PAGE_CACHE_MODELS``,
starts a new generation, and an entry of an older one is never served again. A page shows
menus, listings, translations, taxonomy and media from many rows, so one generation for the
whole site is the rule that cannot miss a dependency; edits are rare next to reads.

The hit path: an entry holds the page compressed once (gzip, and brotli), picked by the
visitor's ``Accept-Encoding`` as whitenoise picks a static file's ``.gz``/``.br``; each
process keeps a bounded copy of the entries it served, valid while the shared generation is
the one it was rendered under, so a hit reads only the generation from the shared cache.
"""

import gzip
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from functools import lru_cache, wraps

import brotli
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import cc_delim_re, patch_cache_control, patch_vary_headers
from django.utils.translation import get_language_from_path, get_language_from_request

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
# v2: (generation, expires, status, headers, bodies by content coding).
KEY_PREFIX = "page-cache:page:v2:"
HIT_HEADER = "X-Page-Cache"
# Cookies that do not change what an anonymous page shows.
NEUTRAL_COOKIES = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
# Vary values the key already covers: the language is in the path, only visitors without a
# session are served from the cache, and the content coding is picked here.
COVERED_VARY = {"cookie", "accept-language", "accept-encoding"}
# Bodies worth compressing (the same idea as whitenoise's list of extensions it skips).
COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/ld+json",
    "application/javascript",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "image/svg+xml",
)
COMPRESS_MIN_BYTES = 200
# Compressed once per page and generation, on the miss: levels that take milliseconds
# (brotli 11 took 6 s for a 430 KB CSV) and lose a few per cent against the best.
GZIP_LEVEL = 6
BROTLI_QUALITY = 5
# Preferred first; identity is always there.
CODINGS = ("br", "gzip")
# Per-entry headers that depend on the body served.
BODY_HEADERS = {"content-length", "content-encoding"}


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def public_page_cache(view=None, *, timeout=None):
    """Let the page cache keep this view's anonymous answers (``timeout`` seconds at most,
    ``PAGE_CACHE_SECONDS`` by default)."""

    def decorate(view_func):
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            mark_cacheable(request, timeout=timeout)
            return view_func(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def mark_cacheable(request, *, timeout=None) -> None:
    request.page_cache_timeout = timeout or settings.PAGE_CACHE_SECONDS


def invalidate(**_signal_kwargs) -> None:
    """Start a new content generation: every page cached so far is stale. Usable as a
    signal receiver. Again when the transaction commits: a page rendered in between read
    the data from before the change, under the new generation."""
    _start_generation()
    transaction.on_commit(_start_generation)


def _start_generation() -> None:
    try:
        _cache().set(GENERATION_KEY, _new_generation(), timeout=None)
    except Exception:  # the cache down must not stop an edit; pages expire by themselves
        logger.exception("page cache: could not start a new generation")


def _new_generation() -> str:
    return f"{time.time_ns():x}"


def current_generation() -> str:
    cache = _cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Never stored, or evicted: a new one, so entries older than the eviction are void.
        cache.add(GENERATION_KEY, _new_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def kept_for_generation(store: dict) -> dict:
    """The entries a process keeps in ``store`` for the current content generation: an
    empty dict, after forgetting the earlier generations', the first time in a new one.
    ``store`` maps a generation to its entries (a module-level dict of the caller's)."""
    generation = current_generation()
    entries = store.get(generation)
    if entries is None:
        entries = {}
        store.clear()
        store[generation] = entries
    return entries


def _request_key(request) -> str | None:
    """The entry's key for a request the cache may answer, else None."""
    if request.method != "GET" or not settings.PAGE_CACHE_ENABLED:
        return None
    if "HTTP_AUTHORIZATION" in request.META:
        return None
    if any(name not in NEUTRAL_COOKIES for name in request.COOKIES):
        return None
    language = get_language_from_path(request.path_info)
    if language is None:
        # An address without a prefix (a certificate's /verify/<code>/ printed on paper)
        # speaks the language LocaleMiddleware picks for an anonymous visitor: the language
        # cookie, else Accept-Language, else the default. The key holds that choice.
        language = get_language_from_request(request, check_path=False)
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    source = f"{host}\n{language}\n{request.get_full_path()}"
    return KEY_PREFIX + hashlib.sha256(source.encode()).hexdigest()


def _storable(request, response) -> bool:
    if getattr(request, "page_cache_timeout", None) is None:
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if response.has_header("Content-Encoding"):
        return False  # already compressed by the view: ours would pick by Accept-Encoding
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    if request.META.get("CSRF_COOKIE_USED") or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # the page carries a CSRF token: it belongs to this visitor
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store")):
        return False
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", "")) if v.strip()}
    return vary <= COVERED_VARY


def _compressed(content: bytes, content_type: str) -> dict[str, bytes]:
    """The body in every content coding worth sending: compressing a cached page is safe
    from BREACH-style attacks because a cached page holds no secret (no CSRF token, nothing
    of the visitor's)."""
    bodies = {"identity": content}
    if len(content) < COMPRESS_MIN_BYTES or not content_type.lower().startswith(COMPRESSIBLE_TYPES):
        return bodies
    for coding, compressed in (
        ("br", brotli.compress(content, quality=BROTLI_QUALITY)),
        ("gzip", gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0)),
    ):
        if len(compressed) < len(content):
            bodies[coding] = compressed
    return bodies


@lru_cache(maxsize=256)
def _preferred_coding(accept_encoding: str, available: tuple[str, ...]) -> str:
    """The content coding to send: brotli, else gzip, when the visitor accepts it (not with
    ``q=0``) and the entry has it; else the plain body."""
    accepted = set()
    for part in accept_encoding.split(","):
        name, _, params = part.partition(";")
        quality = params.strip().lower()
        if quality.startswith("q=") and not quality[2:].strip(" 0."):
            continue  # q=0, q=0.0, q=0.000: refused
        accepted.add(name.strip().lower())
    for coding in CODINGS:
        if coding in available and (coding in accepted or "*" in accepted):
            return coding
    return "identity"


class _Entry:
    """A cached page ready to serve: each body with the headers that go with it."""

    __slots__ = ("codings", "expires", "generation", "size", "status", "variants")

    def __init__(self, generation, expires, status, headers, bodies):
        self.generation = generation
        self.expires = expires
        self.status = status
        shared = [(k, v) for k, v in headers if k.lower() not in BODY_HEADERS]
        self.codings = tuple(coding for coding in CODINGS if coding in bodies)
        if self.codings:  # the representation depends on Accept-Encoding: tell caches
            probe = HttpResponse()
            for name, value in shared:
                probe.headers[name] = value
            patch_vary_headers(probe, ["Accept-Encoding"])
            shared = list(probe.items())
        self.variants = {}
        for coding, body in bodies.items():
            variant = [*shared, ("Content-Length", str(len(body)))]
            if coding != "identity":
                variant.append(("Content-Encoding", coding))
            variant.append((HIT_HEADER, "hit"))
            self.variants[coding] = (body, variant)
        self.size = sum(len(body) for body in bodies.values())

    def response(self, request) -> HttpResponse:
        coding = (
            _preferred_coding(request.META.get("HTTP_ACCEPT_ENCODING", ""), self.codings)
            if self.codings
            else "identity"
        )
        body, headers = self.variants[coding]
        return HttpResponse(body, status=self.status, headers=dict(headers))


class _LocalCopies:
    """The entries this process served lately, by key, within ``max_bytes`` (least recently
    served dropped first). Each is used only while the shared generation is its own, so an
    edit on any app server shows here on the next request."""

    def __init__(self):
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key):
        entry = self._entries.get(key)
        if entry is not None:
            with self._lock:
                if key in self._entries:
                    self._entries.move_to_end(key)
        return entry

    def put(self, key, entry) -> None:
        limit = settings.PAGE_CACHE_LOCAL_BYTES
        if entry.size > limit // 4:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._entries[key] = entry
            self._bytes += entry.size
            while self._bytes > limit and self._entries:
                _key, dropped = self._entries.popitem(last=False)
                self._bytes -= dropped.size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


local_copies = _LocalCopies()


class PageCacheMiddleware:
    """Serves cached public pages before sessions, authentication or the view run; stores
    the pages that may be shared. Placed right after WhiteNoise.

    A hit costs one round trip to the shared cache: the generation alone when this process
    holds a copy of the entry, else the entry and the generation together."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _request_key(request)
        if key is None:
            return self.get_response(request)
        try:
            entry, generation = self._lookup(key)
        except Exception:
            logger.exception("page cache: lookup failed")
            return self.get_response(request)
        if entry is not None:
            return entry.response(request)

        response = self.get_response(request)
        if _storable(request, response):
            if "Cache-Control" not in response:
                # A CDN may keep it (purged on publish by wagtail.contrib.frontend_cache);
                # browsers ask again each time.
                patch_cache_control(
                    response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_CDN_SECONDS
                )
            if self._store(key, generation, request, response):
                patch_vary_headers(response, ["Accept-Encoding"])
            response[HIT_HEADER] = "miss"
        return response

    @staticmethod
    def _lookup(key) -> tuple[_Entry | None, str]:
        """The entry to serve (None on a miss) and the current generation."""
        cache = _cache()
        now = time.time()
        local = local_copies.get(key) if settings.PAGE_CACHE_LOCAL_BYTES else None
        if local is not None:
            generation = cache.get(GENERATION_KEY) or current_generation()
            if local.generation == generation and local.expires > now:
                return local, generation
            found = {GENERATION_KEY: generation, key: cache.get(key)}
        else:
            found = cache.get_many([key, GENERATION_KEY])
            generation = found.get(GENERATION_KEY) or current_generation()
        stored = found.get(key)
        if stored is None or stored[0] != generation or stored[1] <= now:
            return None, generation
        entry = _Entry(*stored)
        if settings.PAGE_CACHE_LOCAL_BYTES:
            local_copies.put(key, entry)
        return entry, generation

    @staticmethod
    def _store(key, generation, request, response) -> bool:
        """Keep the page; True when it is kept compressed too (it varies by encoding)."""
        timeout = request.page_cache_timeout
        headers = [(k, v) for k, v in response.items() if k.lower() != "set-cookie"]
        bodies = _compressed(response.content, response.get("Content-Type", ""))
        stored = (generation, time.time() + timeout, response.status_code, headers, bodies)
        try:
            _cache().set(key, stored, timeout=timeout)
        except Exception:
            logger.exception("page cache: store failed")
            return False
        if settings.PAGE_CACHE_LOCAL_BYTES:
            local_copies.put(key, _Entry(*stored))
        return len(bodies) > 1


# --- what starts a new generation ------------------------------------------------------------


def _invalidating_models():
    from django.apps import apps
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Locale, Site
    from wagtail.snippets.models import get_snippet_models

    models = {Site, Locale, get_image_model(), get_document_model(), *get_snippet_models()}
    models.update(apps.get_model(label) for label in settings.PAGE_CACHE_MODELS)
    return models


_MODELS_CACHE: dict[str, set] = {}


def _invalidating_models_cached():
    if "models" not in _MODELS_CACHE:
        _MODELS_CACHE["models"] = _invalidating_models()
    return _MODELS_CACHE["models"]


def _on_saved(sender, instance, raw=False, **kwargs):
    """A saved live page (created or changed in code, not only through the admin's
    publish) or a model that public pages show."""
    from wagtail.models import Page

    if raw:
        return
    if sender in _invalidating_models_cached() or (isinstance(instance, Page) and instance.live):
        invalidate()


def _on_deleted(sender, instance, **kwargs):
    from wagtail.models import Page

    if isinstance(instance, Page) or sender in _invalidating_models_cached():
        invalidate()


def connect() -> None:
    """Listen for every change a public page may show (called from the portal's ready())."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(invalidate, dispatch_uid="page_cache.published")
    page_unpublished.connect(invalidate, dispatch_uid="page_cache.unpublished")
    post_page_move.connect(invalidate, dispatch_uid="page_cache.moved")
    post_save.connect(_on_saved, dispatch_uid="page_cache.saved")
    post_delete.connect(_on_deleted, dispatch_uid="page_cache.deleted")
