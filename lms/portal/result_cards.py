"""The search's result cards, each rendered once per page, language, host and content
generation and kept in the cache (issue 14 part 5: a search with 20 hits cost twice the CPU
of one with none, most of the difference in the cards).

The key holds the page cache's content generation (``lms.page_cache``), which every publish,
unpublish, move, deletion and edit of an image, snippet or term renews: a card shows the
page's title, address, kind, summary and listing image, and any of them changing starts a
new generation, so a kept card is never stale. The cards missing from the cache come from
one query (``BasePage``, the concrete parent of every content page, holds the summary and
the listing image), whatever the page types of the hits; a card kept needs no query.

A page of results is kept too, as one entry (``search_results_page``): its hits' ids, the
number of all hits and its cards joined into one string, so that a repeated search (the
common words, the next page) costs one cache read and one string in the template, about
what a search that finds nothing costs (issue 14 part 5, decision 0037)."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.models import Page

from lms import page_cache
from lms.portal import selectors
from lms.taxonomy.models import BasePage

CARD_TEMPLATE = "portal/includes/page_card.html"
KEY_PREFIX = "portal:card:v1"
PAGE_KEY_PREFIX = "portal:search-page:v1"


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


def _page_key(
    *, generation: str, language: str, host: str, searched: str, words: str, number: int
) -> str:
    digest = hashlib.sha256(words.encode()).hexdigest()[:32]
    return f"{PAGE_KEY_PREFIX}:{generation}:{language}:{host}:{searched}:{number}:{digest}"


def search_results_page(
    *, request, query: str, language_code: str | None, page_number, generation: str | None = None
):
    """Page ``page_number`` of the search for ``query`` in ``language_code`` (None: every
    language), as ``(page, cards)``: the paginator's page, whose ``object_list`` holds the
    hits' ids best first, and the HTML of their cards joined.

    Kept as one entry per words, language searched, page number, interface language, host
    and content generation. The reader is not in the key because nothing kept depends on
    them: the search finds public pages only (``.public()``: no page under a view
    restriction, whoever asks), and a card shows the page's title, address, kind, summary
    and image, none of them the reader's; what is the reader's (the header, the
    pagination's links, which carry the query string) is rendered around it on every
    request. If the search ever shows pages under a restriction to the readers it admits,
    the key must carry what admits them."""
    generation = generation or page_cache.current_generation()
    words = selectors.search_words(query)
    number = selectors.page_number_of(page_number)
    if not words:
        page = selectors.search_pages(query=words, language_code=language_code, page_number=1)
        return page, ""
    key = _page_key(
        generation=generation,
        language=get_language(),
        host=request.get_host(),
        searched=language_code or "*",
        words=words,
        number=number,
    )
    kept = cache.get(key)
    if kept is not None:
        hits, total, html = kept
        return selectors.page_of_hits(hits=hits, total=total, number=number), mark_safe(html)
    page = selectors.search_pages(
        query=words, language_code=language_code, page_number=number, generation=generation
    )
    html = "".join(result_cards(request=request, pks=page.object_list, generation=generation))
    if page.number == number:
        # A page past the last shows the last one: not kept under every number asked.
        cache.set(
            key, (page.object_list, page.paginator.count, html), timeout=settings.PAGE_CACHE_SECONDS
        )
    return page, mark_safe(html)
