"""Browse by language, country, sector and topic with counts; site-wide search that
survives anything typed into it."""

import pytest

from tests.accounts.factories import UserFactory
from tests.portal.factories import content_create, section_create, translation_publish
from tests.taxonomy.factories import cluster, country, sector

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(home_page):
    section = section_create(parent=home_page, title="Training", slug="training-catalogue")
    translation_publish(home_page, "vi", title="Trang chủ")
    translation_publish(section, "vi", title="Đào tạo")
    osh = content_create(
        parent=section,
        title="Fire safety drills",
        countries=[country("vn")],
        sectors=[sector("garment")],
        clusters=[cluster("osh")],
        summary="Evacuation routes and fire drills for garment workers",
    )
    content_create(
        parent=section,
        title="Overtime limits",
        countries=[country("vn"), country("jo")],
        sectors=[sector("footwear")],
        clusters=[cluster("working-time")],
    )
    content_create(
        parent=section,
        title="Union elections",
        countries=[country("jo")],
        sectors=[sector("garment")],
        clusters=[cluster("freedom-of-association")],
    )
    translation_publish(osh, "vi", title="Diễn tập phòng cháy")
    return section


def facet_count(response, facet, code):
    for item in response.context["facets"][facet]:
        if item["code"] == code:
            return item["count"]
    raise AssertionError(f"{facet} {code} not offered")


def test_browse_counts_material_per_country_sector_topic_and_language(client, catalogue):
    response = client.get("/en/browse/")
    assert response.status_code == 200
    assert facet_count(response, "country", "vn") == 3  # 2 English + 1 Vietnamese
    assert facet_count(response, "country", "jo") == 2
    assert facet_count(response, "sector", "garment") == 3
    assert facet_count(response, "topic", "working-time") == 1
    languages = {item["code"]: item["count"] for item in response.context["facets"]["language"]}
    assert languages == {"en": 3, "vi": 1}


def test_each_facet_is_narrowed_by_the_others(client, catalogue):
    response = client.get("/en/browse/?language=en&country=jo")
    titles = {page.title for page in response.context["results"]}
    assert titles == {"Overtime limits", "Union elections"}
    # Sector counts respect the chosen country and language.
    assert facet_count(response, "sector", "garment") == 1
    assert facet_count(response, "sector", "footwear") == 1


def test_browse_pages_have_their_own_addresses(client, catalogue):
    response = client.get("/en/browse/topic/osh/")
    assert response.status_code == 200
    titles = [page.title for page in response.context["results"]]
    assert titles == ["Diễn tập phòng cháy", "Fire safety drills"] or set(titles) == {
        "Diễn tập phòng cháy",
        "Fire safety drills",
    }
    assert client.get("/en/browse/language/vi/").context["results"][0].title == (
        "Diễn tập phòng cháy"
    )


def test_topic_names_follow_the_interface_language(client, catalogue):
    response = client.get("/vi/browse/")
    names = {item["code"]: item["name"] for item in response.context["facets"]["country"]}
    assert names["vn"] == "Việt Nam"


@pytest.mark.parametrize(
    "path",
    [
        "/en/browse/country/atlantis/",
        "/en/browse/topic/no-such-topic/",
        "/en/browse/language/xx/",
        "/en/browse/planet/earth/",
    ],
)
def test_browsing_an_unknown_term_is_a_404(client, catalogue, path):
    assert client.get(path).status_code == 404


def test_unknown_filters_in_the_query_string_match_nothing_without_error(client, catalogue):
    response = client.get("/en/browse/?country=%27%3B+DROP+TABLE+x%3B--&page=abc")
    assert response.status_code == 200
    assert list(response.context["results"]) == []


# Issue 14, for a signed-in learner: session, person, the private sections (once, not once
# per listing), the results' count and page, their specific pages (two), the four facets'
# counts in one query.
BROWSE_QUERIES = 10


def test_browse_queries_stay_constant_as_the_catalogue_grows(
    client, catalogue, django_assert_max_num_queries
):
    client.force_login(UserFactory(roles=["worker"]))
    client.get("/en/browse/")
    with django_assert_max_num_queries(BROWSE_QUERIES) as small:
        client.get("/en/browse/?country=vn")
    for n in range(25):
        content_create(
            parent=catalogue,
            title=f"Lesson {n}",
            countries=[country("vn")],
            sectors=[sector("garment")],
            clusters=[cluster("compensation")],
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/en/browse/?country=vn")
    assert facet_count(response, "country", "vn") == 28


def titles(response) -> list[str]:
    """The titles of a search page's hits, best first (its object list holds their ids)."""
    from wagtail.models import Page

    pks = list(response.context["results"])
    by_pk = Page.objects.in_bulk(pks)
    return [by_pk[pk].title for pk in pks]


def test_search_finds_pages_in_the_current_language(client, catalogue):
    response = client.get("/en/search/", {"q": "fire"})
    assert titles(response) == ["Fire safety drills"]
    vi = client.get("/vi/search/", {"q": "phòng cháy"})
    assert titles(vi) == ["Diễn tập phòng cháy"]


def test_search_can_look_across_every_language(client, catalogue):
    response = client.get("/en/search/", {"q": "phòng cháy", "languages": "all"})
    assert titles(response) == ["Diễn tập phòng cháy"]


def test_a_10000_character_search_is_cut_and_says_so(client, catalogue):
    response = client.get("/en/search/", {"q": "fire " * 2000})
    assert response.status_code == 200
    assert response.context["query_was_cut"] is True
    assert len(response.context["query"]) <= 200
    assert "only its beginning was used" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["' OR 1=1 --", '"; DROP TABLE wagtailcore_page; --', "%%%", "AND OR NOT", "((("],
)
def test_sql_like_or_odd_search_text_is_just_text(client, catalogue, query):
    response = client.get("/en/search/", {"q": query})
    assert response.status_code == 200


def test_a_nul_character_in_a_search_is_a_bad_request(client, catalogue):
    # No keyboard types it; every query string carrying one is refused (lms.malformed_requests).
    assert client.get("/en/search/", {"q": "\x00"}).status_code == 400


def test_search_queries_stay_constant_as_results_grow(
    client, catalogue, django_assert_max_num_queries
):
    client.force_login(UserFactory(roles=["worker"]))
    client.get("/en/search/", {"q": "lesson"})
    for n in range(2):
        content_create(parent=catalogue, title=f"Wage lesson {n}")
    with django_assert_max_num_queries(10) as small:
        client.get("/en/search/", {"q": "lesson"})
    for n in range(2, 25):
        content_create(parent=catalogue, title=f"Wage lesson {n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/en/search/", {"q": "lesson"})
    assert response.context["results"].paginator.count == 25


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("Fire-safety: DRILLS!", "fire safety drills"),
        ("' OR 1=1 --", "or 1 1"),
        ("প্রশিক্ষণ", "প্রশিক্ষণ"),
        ("សុវត្ថិភាព", "សុវត្ថិភាព"),
        ("السلامة المهنية؟", "السلامة المهنية"),
    ],
)
def test_search_keeps_words_and_drops_operators(typed, words):
    from lms.portal.selectors import search_words

    assert search_words(typed) == words


def test_a_search_runs_its_full_text_match_once_on_postgresql(client, catalogue):
    """The paginator's count comes from the same query as the page of hits (a window count
    in lms/portal/search_backend.py), and the match can use the GIN index on the index
    entries' title and body."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("the window count is the PostgreSQL backend's")
    for n in range(25):
        content_create(parent=catalogue, title=f"Wage lesson {n}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/search/", {"q": "lesson", "page": "2"})
    matches = [q["sql"] for q in queries.captured_queries if "@@" in q["sql"]]
    assert len(matches) == 1
    assert response.context["results"].paginator.count == 25
    assert response.context["results"].number == 2
    assert len(response.context["results"].object_list) == 5
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'portal_search_title_body_gin'"
        )
        assert "gin" in cursor.fetchone()[0].lower()


def test_a_page_past_the_last_shows_the_last(client, catalogue):
    for n in range(25):
        content_create(parent=catalogue, title=f"Wage lesson {n}")
    response = client.get("/en/search/", {"q": "lesson", "page": "9"})
    assert response.context["results"].number == 2
    assert len(response.context["results"].object_list) == 5
    assert response.context["results"].paginator.count == 25


def test_a_word_in_the_title_ranks_above_the_same_word_in_the_summary(client, catalogue):
    """Ranking stays sensible however the hits are counted and paged: the title weighs more
    than the body, on SQLite (lms.portal.search_backend ranks in one full-text query) and
    on PostgreSQL."""
    for n in range(6):
        content_create(
            parent=catalogue, title=f"Wage notice {n}", summary="Ventilation checks each shift"
        )
    titled = content_create(parent=catalogue, title="Ventilation", summary="Fans and windows")
    for n in range(6, 12):
        content_create(
            parent=catalogue, title=f"Wage notice {n}", summary="Ventilation checks each shift"
        )
    response = client.get("/en/search/", {"q": "ventilation"})
    hits = response.context["results"].object_list
    assert response.context["results"].paginator.count == 13
    assert hits[0] == titled.pk


def test_result_cards_are_kept_and_an_edit_shows_on_the_next_search(client, catalogue):
    """Each card is rendered once per page, language and content generation
    (lms.portal.result_cards): the second search reads no page for its cards, and
    publishing a change starts a new generation, so the card shows it at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = client.get("/en/search/", {"q": "fire"}).content.decode()
    assert "Fire safety drills" in first
    assert "Evacuation routes" in first
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/en/search/", {"q": "fire"}).content.decode()
    assert again.count('class="card"') == first.count('class="card"') == 1
    assert not [q for q in queries.captured_queries if "taxonomy_basepage" in q["sql"]]
    page = catalogue.get_children().get(title="Fire safety drills").specific
    page.title = "Fire safety drills and exits"
    page.summary = "Keep every exit clear"
    page.save_revision().publish()
    edited = client.get("/en/search/", {"q": "fire"}).content.decode()
    assert "Fire safety drills and exits" in edited
    assert "Keep every exit clear" in edited
    assert "Evacuation routes" not in edited
    # Another language renders its own card (the kind of page is translated).
    vietnamese = client.get("/vi/search/", {"q": "fire", "languages": "all"}).content.decode()
    assert 'lang="en"' in vietnamese


def _search_queries(queries) -> list[str]:
    """The full-text queries among ``queries`` (PostgreSQL's ``@@``, SQLite's FTS5 table)."""
    return [
        q["sql"] for q in queries.captured_queries if "@@" in q["sql"] or "fts" in q["sql"].lower()
    ]


def test_a_repeated_search_and_its_next_page_reuse_one_ranking(client, catalogue):
    """A search's ranking (the ids of its hits, best first, and their number) is kept per
    words, language and content generation (decision 0034): the same search again and its
    next page run no full-text query and no query at all once their cards are kept, and
    hold the same hits as the search without the kept ranking."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import Page

    for n in range(25):
        content_create(parent=catalogue, title=f"Wage lesson {n}", summary="lesson" * (n % 3))
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get("/en/search/", {"q": "lesson"})
    assert len(_search_queries(first_queries)) >= 1
    with CaptureQueriesContext(connection) as queries:
        second_page = client.get("/en/search/", {"q": "lesson", "page": "2"})
    assert not _search_queries(queries)
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/en/search/", {"q": "lesson"})
    assert not queries.captured_queries
    assert again.context["results"].object_list == first.context["results"].object_list
    kept = first.context["results"].object_list + second_page.context["results"].object_list
    assert len(kept) == len(set(kept)) == 25
    assert second_page.context["results"].paginator.count == 25
    assert again.content.decode().count('class="card"') == 20
    # The same set as the library's own search, which knows nothing of the kept ranking.
    direct = Page.objects.live().public().filter(locale=catalogue.locale).search("lesson")
    assert set(kept) == {page.pk for page in direct}


def test_a_published_edit_is_found_on_the_next_search(client, catalogue):
    """Publishing starts a new content generation, so the kept ranking of the search before
    it is never read again: new words are found, words taken out are not, a page
    unpublished or made private leaves the results at once."""
    from wagtail.models import PageViewRestriction

    assert client.get("/en/search/", {"q": "turbine"}).context["results"].paginator.count == 0
    drills = catalogue.get_children().get(title="Fire safety drills").specific
    drills.summary = "Turbine hall evacuation"
    drills.save_revision().publish()
    found = client.get("/en/search/", {"q": "turbine"}).context["results"]
    assert found.object_list == [drills.pk]
    assert client.get("/en/search/", {"q": "evacuation"}).context["results"].paginator.count == 1
    added = content_create(parent=catalogue, title="Turbine maintenance")
    found = client.get("/en/search/", {"q": "turbine"}).context["results"]
    # A word in the title ranks above the same word in the summary.
    assert found.object_list == [added.pk, drills.pk]
    added.unpublish()
    found = client.get("/en/search/", {"q": "turbine"}).context["results"]
    assert found.object_list == [drills.pk]
    PageViewRestriction.objects.create(page=drills, restriction_type=PageViewRestriction.LOGIN)
    found = client.get("/en/search/", {"q": "turbine"}).context["results"]
    assert found.object_list == []
    assert "Fire safety drills" not in client.get("/en/search/", {"q": "turbine"}).content.decode()


def test_the_kept_ranking_is_kept_per_language(client, catalogue):
    """The same words searched in another language, or in all of them, are their own
    search: the Vietnamese page is found only there."""
    english = client.get("/en/search/", {"q": "phòng cháy"}).context["results"]
    assert english.paginator.count == 0
    everywhere = client.get("/en/search/", {"q": "phòng cháy", "languages": "all"})
    assert everywhere.context["results"].paginator.count == 1
    vietnamese = client.get("/vi/search/", {"q": "phòng cháy"}).context["results"]
    assert vietnamese.paginator.count == 1
    assert client.get("/en/search/", {"q": "phòng cháy"}).context["results"].paginator.count == 0
