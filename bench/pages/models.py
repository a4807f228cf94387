"""The generated articles the portal bench browses and searches."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from lms.taxonomy.models import BasePage


class BenchArticlePage(BasePage):
    """An article of realistic length, tagged like every content page."""

    page_cache = True  # served to anonymous visitors from the page cache

    body = RichTextField(blank=True)
    reading_minutes = models.PositiveSmallIntegerField(default=5)

    content_panels = [*BasePage.content_panels, FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    parent_page_types = ["portal.SectionPage", "portal.CountryPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "bench article"
