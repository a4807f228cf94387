"""The language switcher's links on application views: the same address in each language,
worked out without activating the other languages (issue 14: a worker's memory)."""

import pytest
from django.conf import settings
from django.urls import set_urlconf, translate_url
from django.utils import translation

from lms.portal.templatetags.portal_tags import (
    _only_the_prefix_depends_on_the_language,
    _path_links,
)

ADDRESSES = [
    "/en/accounts/login/",
    "/en/accounts/2fa/authenticate/",
    "/en/browse/?country=vn&page=2",
    "/en/learn/cohorts/3/",
    "/en/community/safety-committee/t/7/?page=2",
    "/en/some/page/deep/down/",
    "/en/jsi18n/",
    "/en/no such page",
    "/robots.txt",
    "/admin/pages/",
]


@pytest.mark.parametrize("address", ADDRESSES)
def test_the_switcher_gives_each_language_what_translate_url_gives(address):
    with translation.override("en"):
        links = _path_links.__wrapped__(address, None)
        expected = [translate_url(address, code) for code, _name in settings.LANGUAGES]
    assert [link["url"] for link in links] == expected
    assert [link["code"] for link in links] == [code for code, _name in settings.LANGUAGES]


def test_the_switcher_works_from_another_language_than_the_default():
    with translation.override("vi"):
        links = {link["code"]: link["url"] for link in _path_links.__wrapped__("/vi/browse/", None)}
    assert links["vi"] == "/vi/browse/"
    assert links["ar"] == "/ar/browse/"
    assert links["en"] == "/en/browse/"


def test_the_site_has_no_translated_routes_so_only_the_prefix_changes():
    assert _only_the_prefix_depends_on_the_language(None)


@pytest.mark.parametrize(
    "urlconf", ["tests.portal.urls_translated_route", "tests.portal.urls_unprefixed_default"]
)
def test_routes_that_depend_on_the_language_are_reversed_in_each_language(urlconf):
    set_urlconf(urlconf)
    try:
        assert not _only_the_prefix_depends_on_the_language(urlconf)
        with translation.override("en"):
            links = _path_links.__wrapped__("/en/about/", urlconf)
            expected = [translate_url("/en/about/", code) for code, _ in settings.LANGUAGES]
        assert [link["url"] for link in links] == expected
    finally:
        set_urlconf(None)


@pytest.mark.django_db
def test_site_root_paths_are_wagtails_in_one_query(home_page, django_assert_num_queries):
    """Wagtail's ``Site.get_site_root_paths`` read the sites, then each site root's
    translations (three queries for one site); ours reads the same list in one, in the same
    order, with several sites, a translated root and a draft translation."""
    from django.core.cache import cache
    from wagtail.models import Locale, Page, Site

    from lms.portal.wagtail_fixes import site_root_paths

    assert Site.get_site_root_paths is site_root_paths
    for code, publish in (("vi", True), ("ar", False)):  # a draft: Wagtail lists it too
        locale = Locale.objects.get_or_create(language_code=code)[0]
        if home_page.get_translation_or_none(locale) is None:
            translation = home_page.copy_for_translation(locale)
            if publish:
                translation.save_revision().publish()
    other_root = Page.get_first_root_node().add_child(instance=Page(title="Other", slug="other"))
    Site.objects.create(hostname="other.example", port=443, root_page=other_root)
    Site.objects.create(hostname="alias.example", port=8000, root_page=home_page)
    cache.clear()
    wagtails = site_root_paths.wagtails()
    cache.clear()
    with django_assert_num_queries(1):
        ours = Site.get_site_root_paths()
    assert ours == wagtails
    assert {path.language_code for path in ours} >= {"en", "vi", "ar"}
    assert len({path.site_id for path in ours}) == 3
    with django_assert_num_queries(0):  # kept under Wagtail's key, which Wagtail clears
        assert Site.get_site_root_paths() == wagtails
    Site.objects.filter(hostname="other.example").get().delete()
    assert [path.site_id for path in Site.get_site_root_paths()] == [
        path.site_id for path in wagtails if path.root_url != "https://other.example"
    ]


@pytest.mark.django_db
def test_the_site_for_a_host_is_wagtails_read_with_the_root_paths(
    home_page, django_assert_num_queries
):
    """Wagtail's site lookup (one query) and root paths (two more), and every locale, in
    one query: the same site, with its root page read, for each host and port, the root
    paths and the locales kept."""
    from django.core.cache import cache
    from wagtail.models import Locale, Page, Site

    from lms.portal.wagtail_fixes import site_for_hostname, site_root_paths
    from lms.taxonomy.locales import all_locales, forget_locales

    Locale.objects.get_or_create(language_code="km")  # a locale without a site root
    other_root = Page.get_first_root_node().add_child(instance=Page(title="Other", slug="other"))
    Site.objects.create(hostname="other.example", port=443, root_page=other_root)
    Site.objects.create(hostname="other.example", port=8000, root_page=home_page)
    Site.objects.create(hostname="third.example", port=80, root_page=other_root)
    Site.objects.create(hostname="third.example", port=81, root_page=other_root)
    for hostname, port in [
        ("localhost", "80"),
        ("testserver", "80"),
        ("other.example", "443"),
        ("other.example", "8000"),
        ("other.example", "9999"),
        ("third.example", "82"),
        ("nowhere.example", "80"),
    ]:
        cache.clear()
        wagtails = site_for_hostname.wagtails(hostname, port)
        forget_locales()
        with django_assert_num_queries(1):
            ours = site_for_hostname(hostname, port)
            with django_assert_num_queries(0):
                assert ours.root_page == wagtails.root_page
                assert Site.get_site_root_paths() == site_root_paths.wagtails()
                # Every locale is kept too, those without a site root included.
                kept = {code: locale.pk for code, locale in all_locales().items()}
        assert kept == dict(Locale.objects.values_list("language_code", "pk"))
        assert (ours.pk, ours.match) == (wagtails.pk, wagtails.match), (hostname, port)
        assert [getattr(ours, f.attname) for f in Site._meta.concrete_fields] == [
            getattr(wagtails, f.attname) for f in Site._meta.concrete_fields
        ]
        assert [getattr(ours.root_page, f.attname) for f in Page._meta.concrete_fields] == [
            getattr(wagtails.root_page, f.attname) for f in Page._meta.concrete_fields
        ]
