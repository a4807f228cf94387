"""A URLconf included on first use (``lms.lazy_urls``, decision 0636) is imported by the first
path resolved under its route or name reversed in its namespace, not by the URLconf that
includes it, its reverse-lookup table in any language, or paths elsewhere."""

import sys

import pytest
from django.core.checks.urls import check_url_config
from django.test import override_settings
from django.urls import (
    Resolver404,
    URLResolver,
    clear_url_caches,
    get_resolver,
    resolve,
    reverse,
)
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation

from lms.lazy_urls import ResolverOnFirstUse, include_on_first_use
from lms.portal.templatetags.portal_tags import plain_patterns

ROOT = "tests.lazy_urls.root"
TARGET = "tests.lazy_urls.target"


@pytest.fixture(autouse=True)
def fresh_urlconf(monkeypatch):
    # A new root URLconf each time: its resolver keeps the module it imported.
    monkeypatch.delitem(sys.modules, ROOT, raising=False)
    monkeypatch.delitem(sys.modules, TARGET, raising=False)
    clear_url_caches()
    with override_settings(ROOT_URLCONF=ROOT):
        yield
    clear_url_caches()


def _imported() -> bool:
    return TARGET in sys.modules


def test_the_including_urlconf_and_its_reverse_tables_do_not_import_it():
    for language in ("en", "vi", "ar"):
        with translation.override(language):
            assert reverse("here") == "/here/"
    assert resolve("/here/").func.__name__ == "here"
    with pytest.raises(Resolver404):
        resolve("/elsewhere/")
    assert not _imported()


def test_a_path_under_its_route_imports_it():
    match = resolve("/lazy/thing/7/")
    assert _imported()
    assert (match.namespace, match.url_name, match.kwargs) == ("lazy", "numbered", {"number": 7})
    assert reverse("lazy:thing") == "/lazy/thing/"


def test_reversing_a_name_in_its_namespace_imports_it_in_every_language():
    reverse("here")  # the root's table is built first, as in a worker
    assert not _imported()
    assert reverse("lazy:numbered", kwargs={"number": 3}) == "/lazy/thing/3/"
    assert _imported()
    with translation.override("vi"):
        assert reverse("lazy:thing") == "/lazy/thing/"
        assert reverse("here") == "/here/"


def test_its_own_resolver_reverses_its_names():
    reverse("here")
    (section,) = [p for p in get_resolver().url_patterns if isinstance(p, ResolverOnFirstUse)]
    assert not _imported()
    assert section.reverse("numbered", number=4) == "thing/4/"
    assert _imported()


def test_an_unknown_path_under_its_route_is_a_404_with_what_was_tried():
    with pytest.raises(Resolver404) as raised:
        resolve("/lazy/nothing/")
    tried = [" ".join(str(p.pattern) for p in attempt) for attempt in raised.value.args[0]["tried"]]
    assert "lazy/ thing/" in tried


def test_a_request_is_served_through_it(client):
    assert client.get("/lazy/thing/5/").content == b"thing 5"
    assert client.get("/here/").content == b"here"


def test_djangos_checks_read_it():
    assert check_url_config(None) == []
    assert _imported()


def test_it_needs_a_namespace():
    with pytest.raises(ValueError, match="namespace"):
        include_on_first_use("x/", TARGET, app_name="x", namespace="")
    with pytest.raises(ValueError, match="namespace"):
        include_on_first_use("x/", TARGET, app_name="", namespace="x")


def _sections_on_first_use(patterns, under_language_prefix=False):
    for entry in patterns:
        if isinstance(entry, ResolverOnFirstUse):
            yield entry, under_language_prefix
        elif isinstance(entry, URLResolver):
            prefixed = under_language_prefix or isinstance(entry.pattern, LocalePrefixPattern)
            yield from _sections_on_first_use(entry.url_patterns, prefixed)


@pytest.mark.parametrize("urlconf", ["lms.urls", "lms.urls_public"])
def test_the_sites_sections_on_first_use_do_not_depend_on_the_language(urlconf):
    """The language switcher does not import them to learn whether their addresses change
    with the language (``portal_tags.plain_patterns``): they must not."""
    sections = list(_sections_on_first_use(get_resolver(urlconf).url_patterns))
    assert [section.namespace for section, _prefixed in sections] == ["buyer_api_v1"]
    for section, prefixed in sections:
        assert not prefixed, section
        assert plain_patterns(section.url_patterns), section
