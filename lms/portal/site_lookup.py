"""Which Wagtail site a request is for, without a query each time: Wagtail looks the site
up in the database on every page request; sites change when an administrator edits one,
so each process keeps the answer per host a few minutes and forgets it at once when a site
is saved or deleted here. Each request gets its own ``Site`` instance."""

import threading
import time

from django.conf import settings
from django.core.exceptions import DisallowedHost
from wagtail.models import Site

_lock = threading.Lock()
_known: dict[tuple[str, bool], tuple[float, tuple]] = {}
_FIELDS = [field.attname for field in Site._meta.concrete_fields]


class SiteLookupMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            key = (request.get_host(), request.is_secure())
        except DisallowedHost:
            return self.get_response(request)
        now = time.monotonic()
        with _lock:
            found = _known.get(key)
        if found is not None and not _expired(now - found[0]):
            # Wagtail reads the site from this attribute before looking it up (documented in
            # Site.find_for_request).
            request._wagtail_site = Site.from_db("default", _FIELDS, found[1])
            return self.get_response(request)
        response = self.get_response(request)
        # Kept only when the request needed a site anyway: no query of our own.
        site = getattr(request, "_wagtail_site", None)
        if site is not None:
            with _lock:
                _known[key] = (now, tuple(getattr(site, name) for name in _FIELDS))
        return response


def forget_sites(**_signal_kwargs) -> None:
    with _lock:
        _known.clear()


def _expired(age: float) -> bool:
    """Kept ``LOOKUP_CACHE_SECONDS`` (another process may have changed them); None: until
    a change here (the tests, which clear them between tests)."""
    keep = settings.LOOKUP_CACHE_SECONDS
    return keep is not None and age > keep
