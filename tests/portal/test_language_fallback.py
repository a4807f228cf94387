"""A page not translated into the reader's language is still found under their prefix, and
its text says which language it really is in, so screen readers do not read English aloud
with a Khmer voice; the interface around that text stays marked as the reader's language
(issue 20): the page's own elements carry ``lang``, never the block holding the interface."""

import re
from html.parser import HTMLParser

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


VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _LanguageOfText(HTMLParser):
    """Each text of the page's main part with the language its nearest ``lang`` declares
    (what a screen reader reads it in) and the direction its nearest ``dir`` declares. (The
    document's <title> cannot be marked: it is the page's own, in whatever language.)"""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None, str | None]] = []
        self.texts: list[tuple[str, str, str]] = []

    def _current(self, name):
        index = 1 if name == "lang" else 2
        return next((item[index] for item in reversed(self.stack) if item[index]), "")

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        values = dict(attrs)
        self.stack.append((tag, values.get("lang"), values.get("dir")))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        text = " ".join(data.split())
        tags = {item[0] for item in self.stack}
        if text and "main" in tags and not tags & {"script", "style"}:
            self.texts.append((text, self._current("lang"), self._current("dir")))


def languages_of(html: str, text: str) -> set[tuple[str, str]]:
    parser = _LanguageOfText()
    parser.feed(html)
    return {(lang, direction) for found, lang, direction in parser.texts if text in found}


def content_attributes(html):
    return re.search(r'<div class="page-content"([^>]*)>', html).group(1)


def test_an_untranslated_page_is_served_under_the_readers_prefix(client, tree):
    response = client.get("/km/awareness/your-rights-at-work/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="km" dir="ltr">' in html
    assert languages_of(html, "Your rights at work") == {("en", "ltr")}
    assert content_attributes(html) == ""


def test_an_untranslated_page_in_a_right_to_left_language_is_marked_left_to_right(client, tree):
    response = client.get("/ur/awareness/your-rights-at-work/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ur" dir="rtl">' in html
    assert languages_of(html, "Your rights at work") == {("en", "ltr")}


def test_a_translated_page_is_not_marked(client, tree):
    html = client.get("/km/awareness/").content.decode()
    assert languages_of(html, "ការយល់ដឹងរបស់កម្មករ") == {("km", "ltr")}
    assert ' lang="en"' not in html.split('class="page-content"', 1)[1].split("<footer", 1)[0]


def test_a_listing_card_of_an_english_page_is_marked_on_a_khmer_page(tree):
    article = tree["article"]
    with translation.override("km"):
        card = render_to_string("portal/includes/page_card.html", {"item": article})
    assert '<article class="card">' in card
    assert languages_of(f"<main>{card}</main>", "Your rights at work") == {("en", "ltr")}
    with translation.override("en"):
        card = render_to_string("portal/includes/page_card.html", {"item": article})
    assert ' lang="' not in card


def test_the_interface_around_an_untranslated_course_stays_in_the_readers_language(
    client, home_page
):
    """A course and its lesson in English only, read under /km/: their titles and text are
    marked English, the buttons and headings the templates add are Khmer (issue 20)."""
    from courses.models import LessonPage
    from tests.courses import factories as course_factories

    translation_publish(home_page, "km", title="ការរៀនសូត្រ Better Work")
    training = course_factories.section(home_page)
    training.save_revision().publish()
    course = course_factories.programme(training, modules=1, lessons=1, title="Rights at work")
    lesson = LessonPage.objects.descendant_of(course).first()
    with translation.override("km"):
        interface = [
            translation.gettext("Sign in to enrol"),
            translation.gettext("Modules"),
            translation.gettext("Knowledge check"),
        ]
    assert "Sign in to enrol" not in interface  # the Khmer catalogue has them
    course_html = client.get(f"/km{course.url[len('/en') :]}").content.decode()
    lesson_html = client.get(f"/km{lesson.url[len('/en') :]}").content.decode()
    assert languages_of(course_html, "Rights at work") == {("en", "ltr")}
    assert languages_of(course_html, interface[0]) == {("km", "ltr")}
    assert languages_of(course_html, interface[1]) == {("km", "ltr")}
    assert languages_of(lesson_html, lesson.title) == {("en", "ltr")}
    assert languages_of(lesson_html, interface[2]) == {("km", "ltr")}
    assert languages_of(lesson_html, "Exits stay unlocked during working hours.") == {("en", "ltr")}
    assert languages_of(lesson_html, "Question 0?") == {("en", "ltr")}


def test_a_page_missing_in_every_language_is_still_a_404(client, tree):
    assert client.get("/km/awareness/no-such-page/").status_code == 404
    assert client.get("/en/awareness/no-such-page/").status_code == 404
