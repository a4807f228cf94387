"""A page not translated into the reader's language is still found under their prefix, and
its text says which language it really is in, so screen readers do not read English aloud
with a Khmer voice."""

import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from tests.portal.factories import section_create, translation_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(home_page):
    """An English section with one article; Khmer has its own home and section but not the
    article (as a half-translated programme would)."""
    section = section_create(parent=home_page, title="Worker awareness", slug="awareness")
    article = section_create(parent=section, title="Your rights at work")
    translation_publish(home_page, "km", title="ការរៀនសូត្រ Better Work")
    khmer_section = translation_publish(section, "km", title="ការយល់ដឹងរបស់កម្មករ")
    return {"section": section, "article": article, "km_section": khmer_section}


def content_attributes(html):
    return re.search(r'<div class="page-content"([^>]*)>', html).group(1)


def test_an_untranslated_page_is_served_under_the_readers_prefix(client, tree):
    response = client.get("/km/awareness/your-rights-at-work/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="km" dir="ltr">' in html
    assert "Your rights at work" in html
    assert content_attributes(html) == ' lang="en" dir="ltr"'


def test_an_untranslated_page_in_a_right_to_left_language_is_marked_left_to_right(client, tree):
    response = client.get("/ur/awareness/your-rights-at-work/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ur" dir="rtl">' in html
    assert content_attributes(html) == ' lang="en" dir="ltr"'


def test_a_translated_page_is_not_marked(client, tree):
    html = client.get("/km/awareness/").content.decode()
    assert "ការយល់ដឹងរបស់កម្មករ" in html
    assert content_attributes(html) == ""


def test_a_listing_card_of_an_english_page_is_marked_on_a_khmer_page(tree):
    article = tree["article"]
    with translation.override("km"):
        card = render_to_string("portal/includes/page_card.html", {"item": article})
    assert '<article class="card" lang="en" dir="ltr">' in card
    with translation.override("en"):
        card = render_to_string("portal/includes/page_card.html", {"item": article})
    assert '<article class="card">' in card


def test_a_page_missing_in_every_language_is_still_a_404(client, tree):
    assert client.get("/km/awareness/no-such-page/").status_code == 404
    assert client.get("/en/awareness/no-such-page/").status_code == 404
