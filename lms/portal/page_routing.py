"""Wagtail's page routing without the queries it repeats on every request.

Wagtail's ``serve`` view starts each request from the site's root page: it loads it, asks
the database for the active language's locale (``Page.localized``), loads its translation
and then its specific page, three or four queries before routing starts. The localized
root of a site changes when an administrator edits, moves, translates or deletes a home
page: each process keeps it per site and language a few minutes (``LOOKUP_CACHE_SECONDS``,
as sites and locales) and forgets it at once when a page near the top of the tree (depth 1
or 2) or a site is saved, moved or deleted here. Each request gets its own instance, and
when the root itself is the page asked for it is read afresh, so a home page's content is
never served from this memory.

``HomePage.route`` then finds the deepest page the path names in one query and keeps the
pages along the path on the request (``route_ancestors``), so a lesson finds its course and
module without asking again.
"""

import threading
import time

from django.conf import settings
from django.http import Http404
from django.utils.translation import get_language
from wagtail import views as wagtail_views
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Page, Site

from lms import learner_page_cache
from lms.accounts.exposure import public_data
from lms.portal.language_links import kept_for_route, with_language_targets
from lms.taxonomy.locales import default_locale, locale_by_pk, locale_for_language

_lock = threading.Lock()
_known: dict[tuple, tuple[float, type, tuple]] = {}


def _expired(age: float) -> bool:
    keep = settings.LOOKUP_CACHE_SECONDS
    return keep is not None and age > keep


def forget_roots(**_signal_kwargs) -> None:
    with _lock:
        _known.clear()


def _forget_if_near_the_top(sender=None, instance=None, **_kwargs) -> None:
    if isinstance(instance, Page) and (instance.depth is None or instance.depth <= 2):
        forget_roots()


def localized_root(site: Site) -> Page:
    """The site's root page in the active language (Wagtail's ``root_page.localized``),
    specific, as a fresh instance built from what this process keeps."""
    key = (site.pk, site.root_page_id, get_language())
    now = time.monotonic()
    with _lock:
        found = _known.get(key)
    if found is None or _expired(now - found[0]):
        # The specific type without its own fields (no query): Wagtail's own page fields
        # and the key (plain values) are all routing needs, and the page's content is
        # never kept here (its other fields stay deferred).
        root = _localized(site.root_page).specific_deferred
        wanted = {field.attname for field in Page._meta.concrete_fields}
        wanted.add(type(root)._meta.pk.attname)
        fields = [f.attname for f in type(root)._meta.concrete_fields if f.attname in wanted]
        found = (now, type(root), tuple(fields), tuple(getattr(root, f) for f in fields))
        with _lock:
            _known[key] = found
    _since, model, fields, values = found
    return model.from_db("default", list(fields), list(values))


def _localized(root: Page) -> Page:
    """Wagtail's ``root.localized`` (its live translation in the active language, else
    itself), with the language's locale from this process's memory."""
    if not settings.WAGTAIL_I18N_ENABLED:
        return root
    try:
        locale = locale_for_language(get_supported_content_language_variant(get_language()))
    except LookupError:
        return root
    locale = locale or default_locale()
    if locale.pk == root.locale_id:
        return root
    translation = root.get_translation_or_none(locale)
    return translation if translation is not None and translation.live else root


def route_for_request(request, path: str):
    """What ``Page.route_for_request`` answers (page, args, kwargs, or None), with the
    localized root from this process's memory."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    components = [component for component in path.split("/") if component]
    try:
        root = localized_root(site)
        if not components:
            # The home page itself is served: its content as it is now, with the pages its
            # language switcher links to unless they are kept (lms.portal.language_links).
            home = type(root).objects.filter(pk=root.pk)
            if kept_for_route(request, root) is None:
                home = with_language_targets(home)
            root = home.get()
        page, args, kwargs = root.route(request, components)
    except (Http404, Page.DoesNotExist):
        return None
    # The page's locale from this process's memory (templates and contexts ask for it).
    locale = locale_by_pk(page.locale_id)
    if locale is not None:
        page.locale = locale
    return page, args, kwargs


@public_data
def serve(request, path):
    """Wagtail's ``serve`` view, routed as above (Wagtail reuses a route it finds on the
    request, see ``Page.route_for_request``); a signed-in learner's course and lesson pages
    from ``lms.learner_page_cache`` when they are kept there."""
    kept = learner_page_cache.cached_response(request)
    if kept is not None:
        return kept
    request._wagtail_route_for_request = route_for_request(request, path)
    response = wagtail_views.serve(request, path)
    if hasattr(response, "render") and not response.is_rendered:
        # Rendered here rather than after the view returns (no middleware of the site
        # changes a template response), so a learner's page can be kept.
        response.render()
    return learner_page_cache.keep(request, response)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    for signal, name in (
        (post_save, "saved"),
        (post_delete, "deleted"),
        (page_published, "published"),
        (page_unpublished, "unpublished"),
    ):
        signal.connect(_forget_if_near_the_top, dispatch_uid=f"portal.root_{name}")
    post_page_move.connect(forget_roots, dispatch_uid="portal.root_moved")
    post_save.connect(forget_roots, sender=Site, dispatch_uid="portal.root_site_saved")
    post_delete.connect(forget_roots, sender=Site, dispatch_uid="portal.root_site_deleted")
