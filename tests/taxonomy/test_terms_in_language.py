"""Taxonomy terms read once per process and language, forgotten when a term or a locale
changes, and handed out as copies."""

import pytest
from wagtail.models import Locale

from lms.taxonomy.models import Country, Sector
from lms.taxonomy.selectors import terms_in_language
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


def test_terms_are_read_once_then_kept(django_assert_num_queries):
    first = terms_in_language(model=Country, language_code="en")
    assert "vn" in first
    with django_assert_num_queries(0):
        again = terms_in_language(model=Country, language_code="en")
    assert {code: term.name for code, term in again.items()} == {
        code: term.name for code, term in first.items()
    }


def test_each_model_and_language_is_kept_apart():
    countries = terms_in_language(model=Country, language_code="en")
    sectors = terms_in_language(model=Sector, language_code="en")
    assert set(countries) != set(sectors)
    viet_nam = country("vn")
    vietnamese, _ = Locale.objects.get_or_create(language_code="vi")
    translated = Country.objects.filter(
        translation_key=viet_nam.translation_key, locale=vietnamese
    ).first() or viet_nam.copy_for_translation(vietnamese)
    translated.name = "Việt Nam (tên mới)"
    translated.save()
    assert terms_in_language(model=Country, language_code="vi")["vn"].name == "Việt Nam (tên mới)"
    assert terms_in_language(model=Country, language_code="en")["vn"].name == viet_nam.name


def test_an_edited_term_is_seen_at_once():
    assert terms_in_language(model=Country, language_code="en")["vn"].name != "Vietnam (edited)"
    viet_nam = country("vn")
    viet_nam.name = "Vietnam (edited)"
    viet_nam.save()
    assert terms_in_language(model=Country, language_code="en")["vn"].name == "Vietnam (edited)"


def test_what_a_caller_sets_on_a_term_stays_with_that_caller():
    mine = terms_in_language(model=Country, language_code="en")
    mine["vn"].page_count = 12
    mine["vn"].name = "changed in one request"
    theirs = terms_in_language(model=Country, language_code="en")
    assert not hasattr(theirs["vn"], "page_count")
    assert theirs["vn"].name != "changed in one request"


def test_a_process_forgets_them_after_the_lookup_time(settings, monkeypatch):
    from lms.taxonomy import selectors

    settings.LOOKUP_CACHE_SECONDS = 300
    terms_in_language(model=Country, language_code="en")
    Country.objects.filter(code="vn").update(name="Changed by another process")
    assert terms_in_language(model=Country, language_code="en")["vn"].name != (
        "Changed by another process"
    )
    now = selectors.time.monotonic()
    monkeypatch.setattr(selectors.time, "monotonic", lambda: now + 301)
    assert terms_in_language(model=Country, language_code="en")["vn"].name == (
        "Changed by another process"
    )
