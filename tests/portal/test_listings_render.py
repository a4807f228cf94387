"""Listings, browse and search render with content in them (regressions `make bench`
found: a listing card without `pageurl`, browse without its filters, search filtering on a
field the search backend cannot filter on)."""

import pytest

from lms.portal.models import SectionPage

pytestmark = pytest.mark.django_db


def add_section(parent, title, slug):
    page = SectionPage(title=title, slug=slug, summary=f"About {title.lower()}.")
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_a_section_lists_its_children_as_cards_with_links(client, home_page):
    section = add_section(home_page, "Training", "training")
    add_section(section, "Fire safety drills", "fire-safety-drills")
    response = client.get("/en/training/")
    assert response.status_code == 200
    assert 'href="/en/training/fire-safety-drills/"' in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/en/browse/", "/en/browse/language/vi/", "/en/browse/country/vn/", "/ar/browse/"]
)
def test_browse_pages_render(client, home_page, path):
    assert client.get(path).status_code == 200


def test_search_finds_pages_in_the_readers_language_only(client, home_page):
    add_section(home_page, "Fire safety drills", "fire-safety-drills")
    english = client.get("/en/search/", {"q": "fire safety"})
    vietnamese = client.get("/vi/search/", {"q": "fire safety"})
    everywhere = client.get("/vi/search/", {"q": "fire safety", "languages": "all"})
    assert english.status_code == vietnamese.status_code == everywhere.status_code == 200
    assert "Fire safety drills" in english.content.decode()
    assert "Fire safety drills" not in vietnamese.content.decode()
    assert "Fire safety drills" in everywhere.content.decode()


def add_content(parent, title, slug, countries=()):
    from lms.taxonomy.models import BasePage

    page = BasePage(title=title, slug=slug)
    parent.add_child(instance=page)
    page.countries.set(countries)
    page.save_revision().publish()
    return page


def test_browse_counts_pages_per_term_not_one_row_per_page(home_page):
    from lms.portal.selectors import BrowseFilters, browse_facets
    from tests.taxonomy.factories import country

    vietnam, jordan = country("vn"), country("jo")
    add_content(home_page, "Fire exits", "fire-exits", [vietnam])
    add_content(home_page, "Overtime pay", "overtime-pay", [vietnam, jordan])
    add_content(home_page, "Union elections", "union-elections", [jordan])
    facets = browse_facets(filters=BrowseFilters(country="vn"), language_code="en")
    counts = {item["code"]: item["count"] for item in facets["country"]}
    assert (counts["vn"], counts["jo"]) == (2, 2)
    assert [(item["code"], item["count"]) for item in facets["language"]] == [("en", 2)]
