"""Read-side queries of the portal: listings, browse facets and search."""

import hashlib
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import CharField, Count, F, Q, QuerySet, Value
from wagtail.models import Locale, Page

from lms import page_cache
from lms.portal.search_backend import TOTAL_FIELD
from lms.taxonomy.locales import locale_for_language
from lms.taxonomy.models import BasePage, Cluster, Country, Sector
from lms.taxonomy.selectors import terms_in_language

BROWSE_PAGE_SIZE = 20
# A search's ranking kept per words, language and content generation: the first 50 pages of
# hits (ids only); a page past them asks the database again.
SEARCH_KEPT_HITS = 50 * BROWSE_PAGE_SIZE
RANKING_KEY_PREFIX = "portal:search-ranking:v1"


def _as_cards(pages) -> list[Page]:
    """``pages`` (a Page queryset, in order) as the listing cards show them: the content
    pages among them as ``BasePage`` with their summary and listing image. Two queries
    whatever the page types (``.specific()`` takes one more per type)."""
    pages = list(pages)
    with_summary = (
        BasePage.objects.filter(pk__in=[page.pk for page in pages])
        .select_related("listing_image")
        .in_bulk()
    )
    return [with_summary.get(page.pk, page) for page in pages]


def child_listing(*, parent: Page) -> list[Page]:
    return _as_cards(parent.get_children().live().public().order_by("path"))


def home_sections(*, home: Page) -> QuerySet:
    """The home page's menu sections with their summaries (one query; the tiles show
    the title, the address and the summary)."""
    return (
        home.get_children()
        .live()
        .in_menu()
        .annotate(summary=F("basepage__summary"))
        .order_by("path")
    )


def recent_content(*, locale: Locale, limit: int) -> QuerySet:
    """The newest content pages of ``locale``, as their cards show them (one query)."""
    return (
        BasePage.objects.live()
        .public()
        .filter(locale=locale)
        .exclude(content_type__model__in=["sectionpage", "countrypage"])
        .select_related("listing_image")
        .order_by("-first_published_at")[:limit]
    )


def content_for_country(*, country_code: str, locale: Locale, exclude: Page, limit: int):
    return (
        BasePage.objects.live()
        .public()
        .filter(locale=locale, countries__code=country_code)
        .exclude(pk=exclude.pk)
        .distinct()
        .select_related("listing_image")
        .order_by("-first_published_at")[:limit]
    )


@dataclass(frozen=True)
class BrowseFilters:
    """What a visitor narrowed the catalogue to. Unknown codes simply match nothing."""

    language: str = ""
    country: str = ""
    sector: str = ""
    topic: str = ""

    @classmethod
    def from_query(cls, data, **preset):
        values = {}
        for name in ("language", "country", "sector", "topic"):
            value = preset.get(name) or data.get(name, "")
            values[name] = str(value)[:40].strip()
        return cls(**values)

    def active(self):
        return {k: v for k, v in self.__dict__.items() if v}


def _browsable_pages(filters: BrowseFilters, *, private: Q, skip: str = "") -> QuerySet:
    """``private`` is Wagtail's private-sections condition, asked once per request: each
    ``.public()`` would read the view restrictions again."""
    pages = (
        BasePage.objects.live()
        .exclude(private)
        .exclude(content_type__model__in=["sectionpage", "countrypage"])
    )
    if filters.language and skip != "language":
        pages = pages.filter(locale__language_code=filters.language)
    if filters.country and skip != "country":
        pages = pages.filter(countries__code=filters.country)
    if filters.sector and skip != "sector":
        pages = pages.filter(sectors__code=filters.sector)
    if filters.topic and skip != "topic":
        pages = pages.filter(clusters__code=filters.topic)
    return pages


def private_sections() -> Q:
    """The condition matching pages in private sections (one query)."""
    return Page.objects.all().private_q()


def browse_results(*, filters: BrowseFilters, page_number, private: Q | None = None) -> object:
    private = private_sections() if private is None else private
    pages = (
        _browsable_pages(filters, private=private).distinct().order_by("-first_published_at", "pk")
    )
    paginator = Paginator(pages, BROWSE_PAGE_SIZE)
    page = paginator.get_page(page_number)
    page.object_list = _specific_in_order([p.pk for p in page.object_list])
    return page


_FACET_CODES = {
    "language": "locale__language_code",
    "country": "countries__code",
    "sector": "sectors__code",
    "topic": "clusters__code",
}


def _facet_counts(filters: BrowseFilters, private: Q) -> dict[str, dict[str, int]]:
    """The pages per code of every facet, each narrowed by the other filters: one query
    (the four groupings joined with UNION ALL), whatever the amount of content."""
    groupings = [
        _browsable_pages(filters, private=private, skip=facet)
        .filter(**{f"{field}__isnull": False})
        .order_by()  # the tree ordering would split the groups
        .annotate(facet=Value(facet, output_field=CharField()), code=F(field))
        .values_list("facet", "code")
        .annotate(n=Count("pk", distinct=True))
        for facet, field in _FACET_CODES.items()
    ]
    counts = {facet: {} for facet in _FACET_CODES}
    for facet, code, n in groupings[0].union(*groupings[1:], all=True):
        counts[facet][code] = n
    return counts


def browse_facets(
    *, filters: BrowseFilters, language_code: str, private: Q | None = None
) -> dict[str, list[dict]]:
    """Counts per language, country, sector and topic, each narrowed by the other filters."""
    names = dict(settings.LANGUAGES)
    private = private_sections() if private is None else private
    counts = _facet_counts(filters, private)
    facets = {
        "language": sorted(
            (
                {"code": code, "name": names.get(code, code), "count": n}
                for code, n in counts["language"].items()
            ),
            key=lambda item: -item["count"],
        )
    }
    for facet, model in (("country", Country), ("sector", Sector), ("topic", Cluster)):
        terms = terms_in_language(model=model, language_code=language_code)
        facets[facet] = [
            {"code": code, "name": term.name, "count": counts[facet].get(code, 0)}
            for code, term in terms.items()
        ]
        if facet == "topic":
            order = {t.code: (t.sort_order, t.name) for t in terms.values()}
            facets[facet].sort(key=lambda item: order[item["code"]])
        else:
            facets[facet].sort(key=lambda item: item["name"])
    return facets


def search_words(query: str) -> str:
    """The words of what someone typed, lower-cased, with punctuation, symbols and control
    characters taken out: search backends give operators and quotes a meaning of their
    own, and visitors did not mean them. Letters and combining marks stay together, so
    Khmer and Bengali words are not split at their vowel signs."""
    kept = (char if unicodedata.category(char)[0] in "LMN" else " " for char in query.lower())
    return " ".join("".join(kept).split())


def search_pages(*, query: str, language_code: str | None, page_number, generation=None):
    """Site-wide search across every page type, in one language or all. The page's
    ``object_list`` holds the ids of its hits, best first (the cards come from
    lms.portal.result_cards, mostly from the cache). ``generation``: the page cache's
    content generation when the caller has read it (else read here)."""
    query = search_words(query)
    if not query:
        return Paginator([], BROWSE_PAGE_SIZE).get_page(1)
    number = page_number_of(page_number)
    key = _ranking_key(
        query=query,
        language_code=language_code,
        generation=generation or page_cache.current_generation(),
    )
    ranking = cache.get(key)
    if ranking is None or _past_kept(ranking, number):
        results = _search(query=query, language_code=language_code)
        if ranking is None:
            ranking = _ranking(results)
            if ranking is not None:
                cache.set(key, ranking, timeout=settings.PAGE_CACHE_SECONDS)
    if ranking is not None and not _past_kept(ranking, number):
        pks, total = ranking
        if (number - 1) * BROWSE_PAGE_SIZE >= len(pks):
            # Past the last page: show the last one, as get_page() would.
            number = max(1, -(-total // BROWSE_PAGE_SIZE))
        start = (number - 1) * BROWSE_PAGE_SIZE
        hits = pks[start : start + BROWSE_PAGE_SIZE]
    else:
        hits, total = _hits_and_total(results, number)
        if not hits and total:  # past the last page: show the last one, as get_page() would
            number = -(-total // BROWSE_PAGE_SIZE)
            hits, total = _hits_and_total(results, number)
        hits = [hit.pk for hit in hits]
    return page_of_hits(hits=hits, total=total, number=number)


def page_of_hits(*, hits: list[int], total: int, number: int):
    """Page ``number`` of a search whose hits on that page (ids, best first) and total
    are known, as the paginator gives it, without asking for anything else."""
    offset = (number - 1) * BROWSE_PAGE_SIZE
    page = Paginator(_FetchedHits(hits, total, offset), BROWSE_PAGE_SIZE).get_page(number)
    page.object_list = hits
    return page


def _search(*, query: str, language_code: str | None):
    pages = Page.objects.live().public().exclude(depth__lte=1)
    if language_code:
        # The search backends filter on indexed fields only: the locale, not its code.
        locale = locale_for_language(language_code)
        pages = pages.filter(locale=locale) if locale else pages.none()
    return pages.search(query, operator="and")


def _ranking_key(*, query: str, language_code: str | None, generation: str) -> str:
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    return f"{RANKING_KEY_PREFIX}:{generation}:{language_code or '*'}:{digest}"


def _ranking(results) -> tuple[list[int], int] | None:
    """The ids of the best ``SEARCH_KEPT_HITS`` hits in order and the number of all hits
    (one full-text query), kept per words, language and content generation of the page
    cache (decision 0034); None where the backend cannot list them (other databases).

    Every change that could add, drop or reorder a hit starts a new generation: the search
    index is written in the same transaction as the page (publish, unpublish, a live page
    saved, moved or deleted), and view restrictions and locales start one too."""
    ranked_pks = getattr(results, "ranked_pks", None)
    ranking = ranked_pks(SEARCH_KEPT_HITS) if ranked_pks else None
    return None if ranking is None else (list(ranking[0]), ranking[1])


def _past_kept(ranking, number: int) -> bool:
    """Whether page ``number`` lies past the kept ids while more hits exist."""
    pks, total = ranking
    return (number - 1) * BROWSE_PAGE_SIZE >= len(pks) and total > len(pks)


def page_number_of(raw) -> int:
    """The page a query string's ``page`` asks for: 1 unless it is a whole number above 1."""
    try:
        return max(1, int(raw))
    except (TypeError, ValueError):
        return 1


def _hits_and_total(results, number: int):
    """One page of hits and the number of all of them. On PostgreSQL one query (the site's
    search backend counts them in a window); elsewhere a count after the page, unless the
    first page is empty."""
    start = (number - 1) * BROWSE_PAGE_SIZE
    hits = list(results[start : start + BROWSE_PAGE_SIZE])
    total = getattr(hits[0], TOTAL_FIELD, None) if hits else None
    if total is None:
        total = 0 if number == 1 and not hits else results.count()
    return hits, total


class _FetchedHits:
    """What the paginator needs of a search whose page of hits and total are known."""

    def __init__(self, hits, total: int, offset: int):
        self.hits, self.total, self.offset = hits, total, offset

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, key):
        return self.hits[key.start - self.offset : key.stop - self.offset]


def _specific_in_order(pks: list[int]) -> list[Page]:
    """The specific pages for ``pks`` in that order, one query per page type."""
    by_pk = {p.pk: p for p in Page.objects.filter(pk__in=pks).specific()}
    return [by_pk[pk] for pk in pks if pk in by_pk]
