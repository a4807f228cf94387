"""A page of search results kept as one entry (lms.portal.result_cards.search_results_page,
decision 0037): a repeated search reads it instead of ranking and rendering again, every
kind of edit shows on the next search, and what is kept is the same for every reader."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from lms.portal import result_cards
from tests.accounts.factories import UserFactory
from tests.portal.factories import content_create, section_create, translation_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def sections(home_page):
    translation_publish(home_page, "vi", title="Trang chủ")
    training = section_create(parent=home_page, title="Training", slug="training-kept")
    guides = section_create(parent=home_page, title="Guides", slug="guides-kept")
    translation_publish(training, "vi", title="Đào tạo")
    return training, guides


def search(client, words, **params) -> str:
    return client.get("/en/search/", {"q": words, **params}).content.decode()


def kept_only(monkeypatch):
    """From here on, a search that would rank or render afresh fails the test."""

    def refuse(**kwargs):
        raise AssertionError("the kept page of results was not used")

    monkeypatch.setattr(result_cards.selectors, "search_pages", refuse)
    monkeypatch.setattr(result_cards, "result_cards", refuse)


def test_a_repeated_search_is_served_from_its_kept_page(client, sections, monkeypatch):
    training, _guides = sections
    for n in range(25):
        content_create(parent=training, title=f"Boiler check {n}", summary="Pressure gauges")
    first = client.get("/en/search/", {"q": "boiler"})
    second = client.get("/en/search/", {"q": "boiler", "page": "2"})
    kept_only(monkeypatch)
    again = client.get("/en/search/", {"q": "boiler"})
    again_second = client.get("/en/search/", {"q": "boiler", "page": "2"})
    assert again.content == first.content
    assert again_second.content == second.content
    assert again.context["results"].object_list == first.context["results"].object_list
    assert again.context["results"].paginator.count == 25
    html = again_second.content.decode()
    assert html.count('class="card"') == 5
    assert "Page 2 of 2" in html
    assert 'rel="prev" href="?q=boiler&amp;page=1"' in html
    # The pagination's links carry this request's own query string, not the first one's.
    other = client.get("/en/search/", {"q": "boiler", "page": "2", "from": "home"})
    assert "from=home" in other.content.decode()


def test_a_page_past_the_last_is_not_kept_under_its_number(client, sections):
    training, _guides = sections
    for n in range(25):
        content_create(parent=training, title=f"Boiler check {n}")
    past = client.get("/en/search/", {"q": "boiler", "page": "7"})
    assert past.context["results"].number == 2
    assert len(past.context["results"].object_list) == 5
    again = client.get("/en/search/", {"q": "boiler", "page": "7"})
    last = client.get("/en/search/", {"q": "boiler", "page": "2"})
    assert again.context["cards"] == last.context["cards"] == past.context["cards"]
    assert again.context["results"].object_list == last.context["results"].object_list
    assert last.context["cards"].count('class="card"') == 5


def test_each_kind_of_edit_shows_on_the_next_search(client, sections):
    """Publish, unpublish, move, a view restriction set and lifted, and a translation:
    each starts a new content generation, so the kept page before it is never read again."""
    training, guides = sections
    boiler = content_create(parent=training, title="Boiler room", summary="Pressure gauges")
    assert "Boiler room" in search(client, "boiler")
    assert "Boiler room" in search(client, "boiler")  # the kept page

    boiler.title = "Boiler room rules"
    boiler.summary = "Gauges read twice a shift"
    boiler.save_revision().publish()
    html = search(client, "boiler")
    assert "Boiler room rules" in html
    assert "Gauges read twice a shift" in html
    assert "Pressure gauges" not in html

    boiler.move(guides, pos="last-child")
    html = search(client, "boiler")
    assert 'href="/en/guides-kept/boiler-room/"' in html
    assert "/training-kept/boiler-room/" not in html

    restriction = PageViewRestriction.objects.create(
        page=boiler, restriction_type=PageViewRestriction.LOGIN
    )
    assert "Boiler room rules" not in search(client, "boiler")
    restriction.delete()
    assert "Boiler room rules" in search(client, "boiler")

    assert "Phòng nồi hơi" not in search(client, "nồi hơi", languages="all")
    translation_publish(guides, "vi", title="Hướng dẫn")
    translation_publish(boiler, "vi", title="Phòng nồi hơi")
    assert "Phòng nồi hơi" in search(client, "nồi hơi", languages="all")
    assert "Phòng nồi hơi" in client.get("/vi/search/", {"q": "nồi hơi"}).content.decode()
    assert "Phòng nồi hơi" not in search(client, "nồi hơi")  # English only

    boiler.unpublish()
    html = search(client, "boiler")
    assert "Boiler room rules" not in html
    assert client.get("/en/search/", {"q": "boiler"}).context["results"].paginator.count == 0


def test_two_readers_get_the_same_results_each_with_their_own_page(client, sections):
    """Nothing kept is the reader's: the search finds public pages only, whoever asks, so a
    page under a restriction that admits the signed-in reader is found by neither, and the
    header around the kept results is each reader's own, whoever searched first."""
    training, _guides = sections
    content_create(parent=training, title="Boiler room", summary="Pressure gauges")
    members = Group.objects.create(name="Boiler crew")
    for title, kind in (
        ("Boiler keys", PageViewRestriction.GROUPS),
        ("Boiler logbook", PageViewRestriction.LOGIN),
    ):
        page = content_create(parent=training, title=title)
        restriction = PageViewRestriction.objects.create(page=page, restriction_type=kind)
        if kind == PageViewRestriction.GROUPS:
            restriction.groups.add(members)
    reader = UserFactory(roles=["worker"])
    reader.groups.add(members)

    for signed_in_first in (True, False):
        anonymous, signed_in = client.__class__(), client.__class__()
        signed_in.force_login(reader)
        order = (signed_in, anonymous) if signed_in_first else (anonymous, signed_in)
        pages = {id(c): c.get("/en/search/", {"q": "boiler"}) for c in order}
        for c in order:
            html = pages[id(c)].content.decode()
            assert pages[id(c)].context["results"].paginator.count == 1
            assert "Boiler room" in html
            assert "Boiler keys" not in html
            assert "Boiler logbook" not in html
        assert "Sign out" in pages[id(signed_in)].content.decode()
        assert "Sign out" not in pages[id(anonymous)].content.decode()
        assert "Sign in" in pages[id(anonymous)].content.decode()
        # A new generation for the second round, so the other reader searches first.
        training.save_revision().publish()


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_kept_search_takes_no_query_at_either_size(
    client, sections, signed_in, django_assert_max_num_queries
):
    """A first search's queries do not grow with the hits; the same search again takes
    none (anonymous) or only the signed-in reader's own (session and user), at 2 and at 25
    hits."""
    training, _guides = sections
    if signed_in:
        client.force_login(UserFactory(roles=["worker"]))
    client.get("/en/search/", {"q": "boiler"})  # the reader's session and language, once
    repeated, made = [], 0
    for size in (2, 25):
        for n in range(made, size):
            content_create(parent=training, title=f"Boiler check {n}")
        made = size
        with django_assert_max_num_queries(10) as first:
            client.get("/en/search/", {"q": "boiler"})
        with django_assert_max_num_queries(len(first.captured_queries)) as again:
            response = client.get("/en/search/", {"q": "boiler"})
        assert response.context["results"].paginator.count == size
        repeated.append(len(again.captured_queries))
    assert repeated[0] == repeated[1]
    if not signed_in:
        assert repeated == [0, 0]
