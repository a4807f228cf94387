"""The shared page cache (lms/page_cache.py): anonymous public pages come from the cache,
varied by language; signed-in visitors, pages with a CSRF token or a cookie never do; and
every kind of edit shows on the very next request."""

import gzip

import brotli
import pytest
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import path
from wagtail.models import Page

from lms import page_cache
from lms.page_cache import GENERATION_KEY, HIT_HEADER, public_page_cache
from lms.taxonomy.models import Country
from tests.accounts.factories import UserFactory
from tests.portal.factories import content_create, section_create, translation_publish
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    caches["pages"].clear()
    page_cache.local_copies.clear()
    yield
    caches["pages"].clear()
    page_cache.local_copies.clear()


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response, response.content.decode()


def test_an_anonymous_page_is_rendered_once_then_served_from_the_cache(
    client, home_page, django_assert_num_queries
):
    first, html = fetch(client, "/en/")
    assert first[HIT_HEADER] == "miss"
    assert "s-maxage=60" in first["Cache-Control"]
    assert "public" in first["Cache-Control"]
    with django_assert_num_queries(0):
        second = client.get("/en/")
    assert second[HIT_HEADER] == "hit"
    assert second.content.decode() == html
    assert second["Content-Type"] == first["Content-Type"]
    assert not second.cookies


def test_each_language_has_its_own_entry(client, home_page):
    translation_publish(home_page, "vi", title="Trang chủ Học tập")
    english = fetch(client, "/en/")[1]
    vietnamese = fetch(client, "/vi/")[1]
    assert 'lang="vi"' in vietnamese
    assert "Trang chủ Học tập" in vietnamese
    assert 'lang="en"' in english
    assert client.get("/vi/")[HIT_HEADER] == "hit"
    assert 'lang="vi"' in client.get("/vi/").content.decode()


def test_a_signed_in_visitor_never_gets_or_leaves_a_cached_page(client, home_page):
    fetch(client, "/en/")  # cached for anonymous visitors
    client.force_login(UserFactory(username="mai"))
    response, html = fetch(client, "/en/")
    assert HIT_HEADER not in response
    assert "Sign out" in html
    client.logout()
    assert "Sign out" not in fetch(Client(), "/en/")[1]


def test_a_visitor_with_a_session_or_pending_messages_gets_a_fresh_page(client, home_page):
    fetch(client, "/en/")
    for cookie in ("sessionid", "messages"):
        other = Client()
        other.cookies[cookie] = "something"
        assert HIT_HEADER not in other.get("/en/")


def test_the_csrf_and_language_cookies_do_not_keep_a_visitor_from_the_cache(client, home_page):
    fetch(client, "/en/")
    other = Client()
    other.cookies["csrftoken"] = "a" * 32
    other.cookies["django_language"] = "vi"
    assert other.get("/en/")[HIT_HEADER] == "hit"


@public_page_cache
def _with_token(request):
    return HttpResponse(f"token {get_token(request)}")


@public_page_cache
def _with_cookie(request):
    response = HttpResponse("hello")
    response.set_cookie("seen", "1")
    return response


@public_page_cache
def _private(request):
    response = HttpResponse("yours")
    response["Cache-Control"] = "private"
    return response


def _plain(request):
    return HttpResponse("not opted in")


def _urlpatterns():
    from django.conf.urls.i18n import i18n_patterns

    return i18n_patterns(
        path("token/", _with_token),
        path("cookie/", _with_cookie),
        path("private/", _private),
        path("plain/", _plain),
    )


urlpatterns = _urlpatterns()


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/en/token/", "/en/cookie/", "/en/private/", "/en/plain/"])
def test_pages_with_a_token_a_cookie_private_or_not_opted_in_are_never_kept(client, url):
    client.get(url)
    assert HIT_HEADER not in Client().get(url)


def test_publishing_an_edit_shows_on_the_next_request(client, home_page):
    assert "A new tagline" not in fetch(client, "/en/")[1]
    home_page.tagline = "A new tagline"
    home_page.save_revision().publish()
    response, html = fetch(client, "/en/")
    assert response[HIT_HEADER] == "miss"
    assert "A new tagline" in html


def test_a_new_page_and_its_unpublishing_show_on_the_section_and_home_pages(client, home_page):
    section = section_create(parent=home_page, title="Training")
    fetch(client, "/en/training/")
    article = content_create(parent=section, title="Fire exits stay open")
    assert "Fire exits stay open" in fetch(client, "/en/training/")[1]
    fetch(client, "/en/training/")
    article.unpublish()
    assert "Fire exits stay open" not in fetch(client, "/en/training/")[1]


def test_moving_a_page_shows_at_once(client, home_page):
    training = section_create(parent=home_page, title="Training")
    rights = section_create(parent=home_page, title="Know your rights")
    content_create(parent=training, title="Overtime rules")
    assert "Overtime rules" in fetch(client, "/en/training/")[1]
    assert "Overtime rules" not in fetch(client, "/en/know-your-rights/")[1]
    Page.objects.get(title="Overtime rules").move(rights, pos="last-child")
    assert "Overtime rules" not in fetch(client, "/en/training/")[1]
    assert "Overtime rules" in fetch(client, "/en/know-your-rights/")[1]


def test_a_renamed_taxonomy_term_shows_on_the_browse_page(client, home_page):
    section = section_create(parent=home_page, title="Training")
    content_create(parent=section, title="Safety", countries=[country("vn")])
    assert "Viet Nam (renamed)" not in fetch(client, "/en/browse/")[1]
    assert client.get("/en/browse/")[HIT_HEADER] == "hit"
    vietnam = Country.objects.canonical().get(code="vn")
    vietnam.name = "Viet Nam (renamed)"
    vietnam.save()
    assert "Viet Nam (renamed)" in fetch(client, "/en/browse/")[1]


def test_a_new_episode_shows_on_its_series_page_and_the_episode_is_cached(client, home_page):
    from tests.media_library.factories import episode_page, series_page

    series = series_page(home_page)
    fetch(client, series.url)
    episode_page(series, number=1, title="The night shift")
    assert "The night shift" in fetch(client, series.url)[1]
    response, _html = fetch(client, "/en/life-on-the-line/episode-1/")
    assert response[HIT_HEADER] == "miss"
    assert client.get("/en/life-on-the-line/episode-1/")[HIT_HEADER] == "hit"


def test_a_comic_is_cached_without_a_csrf_token_and_its_beacon_can_get_one(client, home_page):
    from tests.media_library.factories import comic_page

    comic = comic_page(home_page)
    _response, html = fetch(client, comic.url)
    assert "csrfmiddlewaretoken" not in html
    assert 'data-csrf="' not in html
    assert client.get(comic.url)[HIT_HEADER] == "hit"
    beacon = Client(enforce_csrf_checks=True)
    token_response = beacon.get("/api/csrf")
    assert token_response.status_code == 204
    assert "no-cache" in token_response["Cache-Control"]
    assert beacon.cookies["csrftoken"].value


def test_revoking_a_certificate_shows_on_its_verification_page(client):
    from certification import services
    from certification.models import Requirement
    from tests.accounts.factories import global_admin
    from tests.certification.factories import CandidacyFactory, ProgrammeFactory, requirement

    programme = ProgrammeFactory()
    requirement(programme, Requirement.Kind.COURSE, title="Trainer course")
    certificate = services.certificate_issue(
        candidacy=CandidacyFactory(programme=programme), approved=True
    )
    url = f"/en/certificates/verify/{certificate.code}/"
    assert "verdict-valid" in fetch(client, url)[1]
    assert client.get(url)[HIT_HEADER] == "hit"
    services.certificate_revoke(
        certificate=certificate, revoked_by=global_admin(), reason="Obtained by fraud"
    )
    assert "verdict-valid" not in fetch(client, url)[1]


def _certificate():
    from certification import services
    from certification.models import Requirement
    from tests.certification.factories import CandidacyFactory, ProgrammeFactory, requirement

    programme = ProgrammeFactory()
    requirement(programme, Requirement.Kind.COURSE, title="Trainer course")
    return services.certificate_issue(
        candidacy=CandidacyFactory(programme=programme), approved=True
    )


def test_a_cached_page_is_sent_compressed_as_the_browser_accepts(client, home_page):
    first, html = fetch(client, "/en/")
    assert "Accept-Encoding" in first["Vary"]
    decoders = {"br": brotli.decompress, "gzip": gzip.decompress}
    for accept, coding in [
        ("gzip, deflate, br", "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip;q=0.8", "gzip"),
        ("*", "br"),
        ("identity", None),
        ("", None),
    ]:
        response = client.get("/en/", HTTP_ACCEPT_ENCODING=accept)
        assert response[HIT_HEADER] == "hit"
        assert response.get("Content-Encoding") == coding, accept
        assert int(response["Content-Length"]) == len(response.content)
        body = decoders[coding](response.content) if coding else response.content
        assert body.decode() == html
        # What a CDN and the browser need is the same as on the rendered page.
        assert "Accept-Encoding" in response["Vary"]
        for name in ("Cache-Control", "Content-Security-Policy", "Content-Type"):
            assert response[name] == first[name], name


def test_an_edit_made_through_another_app_server_shows_on_the_next_request(client, home_page):
    """Each process keeps a copy of the pages it served; a new generation started by any
    other process (here: written to the shared cache directly, with a change that sends no
    signal in this one) voids it at once."""
    from lms.portal.models import HomePage

    fetch(client, "/en/")
    assert client.get("/en/")[HIT_HEADER] == "hit"
    HomePage.objects.filter(pk=home_page.pk).update(tagline="Changed on the other server")
    assert "Changed on the other server" not in client.get("/en/").content.decode()
    caches["pages"].set(GENERATION_KEY, "started-by-another-server", timeout=None)
    response, html = fetch(client, "/en/")
    assert response[HIT_HEADER] == "miss"
    assert "Changed on the other server" in html


def test_a_hit_needs_only_the_generation_from_the_shared_cache(client, home_page, settings):
    from django.test import RequestFactory

    fetch(client, "/en/")
    key = page_cache._request_key(RequestFactory().get("/en/"))
    caches["pages"].delete(key)  # evicted from the shared cache; the process kept its copy
    assert client.get("/en/")[HIT_HEADER] == "hit"
    settings.PAGE_CACHE_LOCAL_BYTES = 0
    caches["pages"].delete(key)
    assert client.get("/en/")[HIT_HEADER] == "miss"


def test_an_address_without_a_language_prefix_is_kept_for_each_language(client):
    certificate = _certificate()
    url = f"/verify/{certificate.code}/"
    vietnamese = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
    assert vietnamese.status_code == 200
    assert 'lang="vi"' in vietnamese.content.decode()
    again = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
    assert again[HIT_HEADER] == "hit"
    assert 'lang="vi"' in again.content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert english[HIT_HEADER] == "miss"
    assert 'lang="en"' in english.content.decode()
    other = Client()
    other.cookies["django_language"] = "vi"
    chosen = other.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert chosen[HIT_HEADER] == "hit"
    assert 'lang="vi"' in chosen.content.decode()
