"""Wagtail locales without a query each time: a page in a course asked for the default
locale three to four times a request, and a page's own locale, its language switcher and its
``content_lang`` marks each read them again. A site has a handful of locales, so each process
reads them all in one query, keeps them a few minutes and forgets them at once when one is
saved or deleted here; a language or id it does not know reads them all again (another
process may have added it)."""

import threading
import time

from django.conf import settings
from wagtail.models import Locale

_lock = threading.Lock()
# (when read, {language code: locale}), replaced whole, never changed in place.
_kept: list[tuple[float, dict[str, Locale]] | None] = [None]


def all_locales() -> dict[str, Locale]:
    """Every locale by language code: one query for all of them when none are kept."""
    now = time.monotonic()
    with _lock:
        kept = _kept[0]
    if kept is None or _expired(now - kept[0]):
        kept = _read(now)
    return kept[1]


def locale_for_language(language_code: str) -> Locale | None:
    """The locale of a language code, or None when the site has none for it."""
    found = all_locales().get(language_code)
    if found is None:
        found = _read(time.monotonic())[1].get(language_code)
    return found


def locale_by_pk(pk: int) -> Locale | None:
    """The locale with this id, from the same memory (a page's ``locale``)."""
    found = _with_pk(all_locales(), pk)
    if found is None:
        found = _with_pk(_read(time.monotonic())[1], pk)
    return found


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
        _kept[0] = None


def _read(now: float) -> tuple[float, dict[str, Locale]]:
    return _keep(now, Locale.objects.all())


def _keep(now: float, locales) -> tuple[float, dict[str, Locale]]:
    kept = (now, {locale.language_code: locale for locale in locales})
    with _lock:
        _kept[0] = kept
    return kept


def keep_locales(locales) -> None:
    """Keep these, every locale there is, read by a caller with something else (the site's
    lookups read them with the sites, ``lms.portal.wagtail_fixes``): as if read here."""
    _keep(time.monotonic(), locales)


def _with_pk(locales: dict[str, Locale], pk: int) -> Locale | None:
    return next((locale for locale in locales.values() if locale.pk == pk), None)


def _expired(age: float) -> bool:
    """Kept ``LOOKUP_CACHE_SECONDS`` (another process may have changed them); None: until
    a change here (the tests, which clear them between tests)."""
    keep = settings.LOOKUP_CACHE_SECONDS
    return keep is not None and age > keep
