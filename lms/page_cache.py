"""The shared page cache: public pages rendered once and served to every anonymous visitor
from the cache (Redis in production, local memory in the embedded demo), until something
they show changes (docs/decisions/0007-page-cache-and-search.md).

What is cached: a GET whose view opted in (``@public_page_cache`` on a view, or a page type
with ``page_cache = True``), answered 200 to a visitor who is not signed in, under a
language prefix (``/en/...``: the path decides the language, so the key varies by it), with
no cookie set and no CSRF token used by the page, and nothing private in its
``Cache-Control``. A visitor who sends any cookie besides the CSRF and language cookies
(a session, pending messages) always gets a fresh page.

Invalidation: every entry is stored with the *content generation* read before the page was
rendered; publishing, unpublishing, moving or deleting a page, or saving or deleting a
snippet, image, document, taxonomy term or any model named in ``PAGE_CACHE_MODELS``,
starts a new generation, and an entry of an older one is never served again. A page shows
menus, listings, translations, taxonomy and media from many rows, so one generation for the
whole site is the rule that cannot miss a dependency; edits are rare next to reads.
"""

import hashlib
import logging
import time
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import cc_delim_re, patch_cache_control
from django.utils.translation import get_language_from_path

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
KEY_PREFIX = "page-cache:page:"
HIT_HEADER = "X-Page-Cache"
# Cookies that do not change what an anonymous page shows.
NEUTRAL_COOKIES = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
# Vary values the key already covers: the language is in the path, and only visitors
# without a session are served from the cache.
COVERED_VARY = {"cookie", "accept-language"}


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


def _request_key(request) -> str | None:
    """The entry's key for a request the cache may answer, else None."""
    if request.method != "GET" or not settings.PAGE_CACHE_ENABLED:
        return None
    if "HTTP_AUTHORIZATION" in request.META:
        return None
    if any(name not in NEUTRAL_COOKIES for name in request.COOKIES):
        return None
    if get_language_from_path(request.path_info) is None:
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    digest = hashlib.sha256(f"{host}\n{request.get_full_path()}".encode()).hexdigest()
    return KEY_PREFIX + digest


def _storable(request, response) -> bool:
    if getattr(request, "page_cache_timeout", None) is None:
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
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


class PageCacheMiddleware:
    """Serves cached public pages before sessions, authentication or the view run; stores
    the pages that may be shared. Placed right after WhiteNoise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _request_key(request)
        if key is None:
            return self.get_response(request)
        try:
            found = _cache().get_many([key, GENERATION_KEY])
            generation = found.get(GENERATION_KEY) or current_generation()
        except Exception:
            logger.exception("page cache: lookup failed")
            return self.get_response(request)
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            _generation, status, headers, content = entry
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response.headers[name] = value
            response[HIT_HEADER] = "hit"
            return response

        response = self.get_response(request)
        if _storable(request, response):
            if "Cache-Control" not in response:
                # A CDN may keep it (purged on publish by wagtail.contrib.frontend_cache);
                # browsers ask again each time.
                patch_cache_control(
                    response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_CDN_SECONDS
                )
            headers = [(k, v) for k, v in response.items() if k.lower() != "set-cookie"]
            try:
                _cache().set(
                    key,
                    (generation, response.status_code, headers, response.content),
                    timeout=request.page_cache_timeout,
                )
            except Exception:
                logger.exception("page cache: store failed")
            response[HIT_HEADER] = "miss"
        return response


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
