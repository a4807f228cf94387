"""Pages for portal tests: a small tree under the English home page, tagged content that
the browse and search pages list."""

from wagtail.models import Locale, Page

from lms.portal.models import SectionPage
from lms.taxonomy.models import BasePage


def section_create(*, parent: Page, title: str, slug: str | None = None) -> SectionPage:
    page = SectionPage(title=title, slug=slug or title.lower().replace(" ", "-"))
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def content_create(
    *, parent: Page, title: str, countries=(), sectors=(), clusters=(), summary=""
) -> BasePage:
    """A plain tagged content page, standing in for the rooms' course and media pages."""
    page = BasePage(title=title, summary=summary)
    parent.add_child(instance=page)
    page.countries.set(countries)
    page.sectors.set(sectors)
    page.clusters.set(clusters)
    page.save_revision().publish()
    return page


def translation_publish(page: Page, language_code: str, **fields) -> Page:
    """Copy ``page`` into another locale (its parents must exist there) and publish it."""
    translated = page.copy_for_translation(Locale.objects.get(language_code=language_code))
    for name, value in fields.items():
        setattr(translated, name, value)
    translated.save_revision().publish()
    return translated
