"""The search's result cards, each rendered once per page, language, host and content
generation and kept in the cache (issue 14 part 5: a search with 20 hits cost twice the CPU
of one with none, most of the difference in the cards).

The key holds the page cache's content generation (``lms.page_cache``), which every publish,
unpublish, move, deletion and edit of an image, snippet or term renews: a card shows the
page's title, address, kind, summary and listing image, and any of them changing starts a
new generation, so a kept card is never stale. The cards missing from the cache come from
one query (``BasePage``, the concrete parent of every content page, holds the summary and
the listing image), whatever the page types of the hits."""

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from lms import page_cache
from lms.taxonomy.models import BasePage

CARD_TEMPLATE = "portal/includes/page_card.html"
KEY_PREFIX = "portal:card:v1"


def _key(*, generation: str, language: str, host: str, pk: int) -> str:
    return f"{KEY_PREFIX}:{generation}:{language}:{host}:{pk}"


def result_cards(*, request, pages) -> list[str]:
    """The HTML of each of ``pages`` (pages of any type, in order) as a listing card."""
    if not pages:
        return []
    generation = page_cache.current_generation()
    language, host = get_language(), request.get_host()
    keys = {
        page.pk: _key(generation=generation, language=language, host=host, pk=page.pk)
        for page in pages
    }
    kept = cache.get_many(list(keys.values()))
    missing = [page for page in pages if keys[page.pk] not in kept]
    if missing:
        with_summary = BasePage.objects.filter(pk__in=[page.pk for page in missing])
        by_pk = {page.pk: page for page in with_summary.select_related("listing_image")}
        template = get_template(CARD_TEMPLATE)
        fresh = {
            keys[page.pk]: template.render({"item": by_pk.get(page.pk, page), "request": request})
            for page in missing
        }
        cache.set_many(fresh, timeout=settings.PAGE_CACHE_SECONDS)
        kept.update(fresh)
    return [mark_safe(kept[keys[page.pk]]) for page in pages]
