"""The search's result cards, each rendered once per page, language, host and content
generation and kept in the cache (issue 14 part 5: a search with 20 hits cost twice the CPU
of one with none, most of the difference in the cards).

The key holds the page cache's content generation (``lms.page_cache``), which every publish,
unpublish, move, deletion and edit of an image, snippet or term renews: a card shows the
page's title, address, kind, summary and listing image, and any of them changing starts a
new generation, so a kept card is never stale. The cards missing from the cache come from
one query (``BasePage``, the concrete parent of every content page, holds the summary and
the listing image), whatever the page types of the hits; a card kept needs no query."""

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.models import Page

from lms import page_cache
from lms.taxonomy.models import BasePage

CARD_TEMPLATE = "portal/includes/page_card.html"
KEY_PREFIX = "portal:card:v1"


def _key(*, generation: str, language: str, host: str, pk: int) -> str:
    return f"{KEY_PREFIX}:{generation}:{language}:{host}:{pk}"


def result_cards(*, request, pks, generation: str | None = None) -> list[str]:
    """The HTML of the pages with ids ``pks`` (pages of any type, in order) as listing
    cards; a page that no longer exists has none. ``generation``: the page cache's content
    generation when the caller has read it."""
    if not pks:
        return []
    generation = generation or page_cache.current_generation()
    language, host = get_language(), request.get_host()
    keys = {pk: _key(generation=generation, language=language, host=host, pk=pk) for pk in pks}
    kept = cache.get_many(list(keys.values()))
    missing = [pk for pk in pks if keys[pk] not in kept]
    if missing:
        by_pk = BasePage.objects.filter(pk__in=missing).select_related("listing_image").in_bulk()
        if len(by_pk) < len(missing):  # not content pages (a home page): no summary
            by_pk.update(Page.objects.filter(pk__in=set(missing) - set(by_pk)).in_bulk())
        template = get_template(CARD_TEMPLATE)
        fresh = {
            keys[pk]: template.render({"item": by_pk[pk], "request": request})
            for pk in missing
            if pk in by_pk
        }
        cache.set_many(fresh, timeout=settings.PAGE_CACHE_SECONDS)
        kept.update(fresh)
    return [mark_safe(kept[keys[pk]]) for pk in pks if keys[pk] in kept]
