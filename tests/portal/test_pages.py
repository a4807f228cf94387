"""The multilingual portal: home pages per language, right-to-left Arabic, the language
switcher, error pages, the sitemap and robots.txt."""

import re

import pytest
from django.conf import settings
from django.test import override_settings

from lms.portal.models import HomePage
from tests.portal.factories import section_create, translation_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def homes(home_page):
    """The home page in English, Vietnamese and Arabic, as the demo builds it."""
    return {
        "en": home_page,
        "vi": translation_publish(home_page, "vi", title="Better Work Học tập"),
        "ar": translation_publish(home_page, "ar", title="منصة بيتر وورك للتعلم"),
    }


@pytest.mark.parametrize(
    ("language", "direction"), [("en", "ltr"), ("vi", "ltr"), ("ar", "rtl"), ("ur", "rtl")]
)
def test_home_page_is_served_in_each_language_with_its_direction(
    client, homes, language, direction
):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_listed_language_answers_its_pages(client, homes, language):
    """Each prefix in LANGUAGES is recognised (Sesotho and Haitian Creole are not in Django's
    own table): home, sign-in and browse answer, and the page says which language it is in."""
    direction = "rtl" if language in settings.RTL_LANGUAGES else "ltr"
    for path in (f"/{language}/", f"/{language}/accounts/login/", f"/{language}/browse/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert f'<html lang="{language}" dir="{direction}">' in response.content.decode(), path


def test_the_language_menu_leads_to_a_page_in_every_language(client, homes):
    html = client.get("/en/").content.decode()
    for code, _name in settings.LANGUAGES:
        links = re.findall(rf'href="(/{code}/[^"]*)"', html)
        assert links, code
        for link in set(links):
            assert client.get(link).status_code == 200, link


def test_each_language_gets_its_own_home_page(client, homes):
    assert "منصة بيتر وورك للتعلم" in client.get("/ar/").content.decode()
    assert "Better Work Học tập" in client.get("/vi/").content.decode()
    english = HomePage.objects.get(locale__language_code="en")
    codes = {p.locale.language_code for p in english.get_translations(inclusive=True)}
    assert codes == {"en", "vi", "ar"}


def test_the_root_sends_visitors_to_a_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 302
    assert response["Location"] == "/vi/"


def test_a_language_we_do_not_serve_is_a_404(client):
    for path in ("/xx/", "/xx/browse/", "/zz-top/learn/"):
        response = client.get(path, follow=True)
        assert response.status_code == 404, path


def test_the_404_page_is_our_own_and_translated(client):
    response = client.get("/vi/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'lang="vi"' in html
    assert "site-header" in html


@override_settings(DEBUG_PROPAGATE_EXCEPTIONS=False)
def test_the_500_page_is_served_without_touching_the_database():
    from django.test import RequestFactory

    from lms.portal.views import server_error

    response = server_error(RequestFactory().get("/en/"))
    assert response.status_code == 500
    assert b"<html" in response.content


def _switcher_links(html: str) -> dict[str, str]:
    nav = html[html.index('class="language-switcher') :]
    return {
        code: href
        for href, code in re.findall(r'<a[^>]*href="([^"]+)"[^>]*hreflang="([\w-]+)"', nav)
    }


def test_the_language_switcher_lands_on_the_same_page_in_another_language(client, homes):
    section = section_create(parent=homes["en"], title="Training", slug="training-test")
    translation_publish(section, "vi", title="Đào tạo")
    html = client.get(section.url).content.decode()
    links = _switcher_links(html)
    assert links["vi"] == "/vi/training-test/"
    # Not yet translated into Arabic: the switcher offers the Arabic home page instead.
    assert links["ar"] == "/ar/"


@pytest.mark.parametrize(
    "address",
    ["/en/training-test/", "/vi/training-test/", "/ar/training-test/", "/en/", "/vi/"],
)
def test_the_switcher_links_read_with_the_routed_page_are_those_of_its_own_query(
    client, homes, address, django_assert_max_num_queries
):
    """Decision 0629: when the links are not kept, routing reads the pages they name with
    the page served (a translation, a page served from English under the Arabic prefix, a
    home page), and the switcher asks nothing more; the same links as its own query gives."""
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation
    from wagtail.models import Page

    from lms.portal import language_links
    from tests.first_request import forget_what_processes_keep

    section = section_create(parent=homes["en"], title="Training", slug="training-test")
    translation_publish(section, "vi", title="Đào tạo")
    forget_what_processes_keep()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    links = _switcher_links(response.content.decode())
    own_query = 'OR "wagtailcore_page"."content_type_id" = '  # the switcher's own
    assert not [q for q in captured.captured_queries if own_query in q["sql"]]
    page = Page.objects.get(pk=response.context["page"].pk)
    code = address.split("/")[1]
    with translation.override(code), CaptureQueriesContext(connection) as own:
        request = RequestFactory().get(address)
        expected = language_links._links(request, page)  # the switcher's own query
    assert [q for q in own.captured_queries if own_query in q["sql"]]
    assert links == {link["code"]: link["url"] for link in expected}
    assert links["vi"] in ("/vi/training-test/", "/vi/")
    # The next request reads the links kept, not the pages.
    with django_assert_max_num_queries(len(captured) - 1):
        assert _switcher_links(client.get(address).content.decode()) == links


def test_the_language_switcher_keeps_the_path_on_non_page_views(client):
    html = client.get("/en/browse/?country=vn").content.decode()
    links = _switcher_links(html)
    assert links["ar"].startswith("/ar/browse/")


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_private_areas(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sitemap:" in body
    assert "Disallow: /admin/" in body


def test_the_sitemap_lists_pages_in_every_language(client, homes):
    section = section_create(parent=homes["en"], title="Resources", slug="resources-test")
    translation_publish(section, "vi", title="Tài liệu")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/en/resources-test/" in body
    assert "/vi/resources-test/" in body
    assert "/ar/</loc>" in body


def test_home_page_queries_stay_constant_as_sections_grow(
    client, home_page, django_assert_max_num_queries
):
    for n in range(2):
        section_create(parent=home_page, title=f"Small {n}")
    client.get("/en/")  # warm caches that are per-process, not per-request
    with django_assert_max_num_queries(10) as small:
        client.get("/en/")
    # Counted now: the connection keeps a bounded log, which the next steps move on.
    small_count = len(small.captured_queries)
    assert small_count > 0
    for n in range(30):
        section_create(parent=home_page, title=f"Large {n}")
    # Publishing started a new content generation: the switcher's links are read again once.
    client.get("/en/")
    with django_assert_max_num_queries(small_count):
        client.get("/en/")


def test_a_signed_in_home_page_takes_ten_queries_at_most_whatever_the_page_types(
    client, home_page, django_assert_max_num_queries
):
    """Issue 14: signed in (no page cache), the home page's sections and newest content
    come as their cards show them, not as specific pages (one query more per page type):
    the same count with one page type as with four."""
    from tests.accounts.factories import UserFactory
    from tests.courses import factories as course_factories
    from tests.portal.factories import content_create

    training = section_create(parent=home_page, title="Training")
    content_create(parent=training, title="Fire drills", summary="Where to meet")
    client.force_login(UserFactory(roles=["worker"]))
    client.get("/en/")
    with django_assert_max_num_queries(10) as one_type:
        client.get("/en/")
    course = course_factories.seminar(training, title="Safe lifting", lessons=2)
    course.summary = "Bend the knees"
    course.save_revision().publish()
    section_create(parent=home_page, title="Resources")
    client.get("/en/")
    with django_assert_max_num_queries(10) as four_types:
        response = client.get("/en/")
    page = response.content.decode()
    assert "Safe lifting" in page
    assert "Bend the knees" in page
    assert "Seminar lesson 1" in page
    assert "Where to meet" in page
    assert len(four_types) == len(one_type)


# --- routing and privacy (lms/portal/page_routing.py, lms/taxonomy/routing.py) -----------


def test_a_private_section_and_its_pages_ask_for_sign_in(client, home_page):
    """View restrictions come from one query (the ancestors' paths are the page's own):
    a restricted section's descendants, and an alias of it, stay private."""
    from wagtail.models import PageViewRestriction

    from lms.accounts.models import User

    section = section_create(parent=home_page, title="Staff notes", slug="staff-notes")
    section_create(parent=section, title="Inner", slug="inner")
    alias = section.create_alias(parent=home_page, update_slug="staff-notes-copy")
    assert alias.alias_of_id == section.pk
    section_create(parent=home_page, title="Open", slug="open")
    for url in ("/en/staff-notes/inner/", "/en/staff-notes-copy/", "/en/open/"):
        assert client.get(url).status_code == 200
    PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)
    for url in ("/en/staff-notes/", "/en/staff-notes/inner/", "/en/staff-notes-copy/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "login" in response["Location"]
    assert client.get("/en/open/").status_code == 200
    client.force_login(User.objects.create_user(username="reader", password="x"))
    assert client.get("/en/staff-notes/inner/").status_code == 200
    # Routing reads whether each page from the root down has one (decision 0626): a
    # restriction on the home page reaches every page below it.
    client.logout()
    PageViewRestriction.objects.create(page=home_page, restriction_type=PageViewRestriction.LOGIN)
    response = client.get("/en/open/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_home_page_shows_an_edit_at_once_though_its_route_is_kept(client, home_page):
    """The localized root is kept per process for routing, but the home page served is
    read afresh, and a page added under it is found at once."""
    client.get("/en/")
    home_page.tagline = "A tagline written just now"
    home_page.save_revision().publish()
    assert "A tagline written just now" in client.get("/en/").content.decode()
    section_create(parent=home_page, title="Brand new", slug="brand-new")
    assert client.get("/en/brand-new/").status_code == 200
    assert client.get("/en/no-such-page/").status_code == 404
