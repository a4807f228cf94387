"""Wagtail locales by language code without a query each time: a page in a course asked
for the default locale three to four times a request. Locales change when an administrator
adds a language, so each process keeps them a few minutes and forgets them at once when one
is saved or deleted here."""

import threading
import time

from django.conf import settings
from wagtail.models import Locale

_lock = threading.Lock()
_known: dict[str, Locale] = {}
_since = [0.0]


def locale_for_language(language_code: str) -> Locale | None:
    """The locale of a language code, or None when the site has none for it."""
    now = time.monotonic()
    with _lock:
        if _expired(now - _since[0]):
            _known.clear()
            _since[0] = now
        found = _known.get(language_code)
    if found is None:
        found = Locale.objects.filter(language_code=language_code).first()
        if found is not None:
            with _lock:
                _known[language_code] = found
    return found


def locale_by_pk(pk: int) -> Locale | None:
    """The locale with this id, from the same memory (a page's ``locale``)."""
    locale = next((known for known in _snapshot() if known.pk == pk), None)
    if locale is None:
        locale = Locale.objects.filter(pk=pk).first()
        if locale is not None:
            with _lock:
                _known[locale.language_code] = locale
    return locale


def _snapshot() -> list[Locale]:
    now = time.monotonic()
    with _lock:
        if _expired(now - _since[0]):
            _known.clear()
            _since[0] = now
        return list(_known.values())


def default_locale() -> Locale:
    return locale_for_language(settings.LANGUAGE_CODE) or Locale.get_default()


def in_default_language(page) -> bool:
    """Whether ``page`` is in the site's default language: from its locale when it was read
    with the page (``select_related("locale")``: no query on a process's first request
    either), else from this memory."""
    from wagtail.coreutils import get_supported_content_language_variant

    if type(page).locale.is_cached(page):
        language = page.locale.language_code
    else:
        locale = locale_by_pk(page.locale_id)
        language = locale.language_code if locale is not None else None
    return language == get_supported_content_language_variant(settings.LANGUAGE_CODE)


def forget_locales(**_signal_kwargs) -> None:
    with _lock:
        _known.clear()


def _expired(age: float) -> bool:
    """Kept ``LOOKUP_CACHE_SECONDS`` (another process may have changed them); None: until
    a change here (the tests, which clear them between tests)."""
    keep = settings.LOOKUP_CACHE_SECONDS
    return keep is not None and age > keep
