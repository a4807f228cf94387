"""The portal's pages (the home page, section pages and one page per country programme),
and the links between rooms that only the portal, which may read every room, can make."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from lms.portal.blocks import PortalStreamBlock
from lms.portal.language_links import kept_for_route, specific_with_language_targets
from lms.taxonomy.models import BasePage, canonical_terms
from lms.taxonomy.routing import (
    LocaleFallbackRoutingMixin,
    OneQueryViewRestrictionsMixin,
    paths_from_root,
    route_restricted,
)


class HomePage(OneQueryViewRestrictionsMixin, LocaleFallbackRoutingMixin, Page):
    """The front door, one per language."""

    page_cache = True  # served to anonymous visitors from the page cache

    tagline = models.CharField(_("tagline"), max_length=160, blank=True)
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(PortalStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("tagline"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("tagline"), index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        """The deepest page the path names in one query, instead of Wagtail's two per level
        (a lesson five levels down cost ten). Only the last page's own ``route`` matters:
        Wagtail's checks only that one is live, and no page type here routes its children
        itself."""
        if path_components:
            # With this page and the pages above it (by their tree paths), each with whether
            # it has a view restriction: Wagtail's check before serving then costs no query
            # when none has (lms.taxonomy.routing.route_restricted).
            above = paths_from_root(self.path)
            rows = list(
                Page.objects.filter(
                    Q(
                        url_path__in=[
                            self.url_path + "/".join(path_components[:n]) + "/"
                            for n in range(1, len(path_components) + 1)
                        ],
                        path__startswith=self.path,
                        depth__gt=self.depth,
                    )
                    | Q(path__in=above)
                )
                .annotate(restricted=route_restricted())
                .order_by("depth")
            )
            along_the_path = [row for row in rows if row.depth > self.depth]
            if along_the_path:
                # The pages between this one and the page served, for the page's context
                # (a lesson's course and module): lms.taxonomy.routing.route_ancestors.
                request._route_ancestors = along_the_path
                found = along_the_path[-1]
                consumed = found.depth - self.depth
                if consumed == len(path_components) and kept_for_route(request, found) is None:
                    # The page served, whose language switcher's links are not kept yet:
                    # read with the pages they name (lms.portal.language_links).
                    page = specific_with_language_targets(found)
                else:
                    page = found.specific
                if consumed == len(path_components) and len(rows) == found.depth:
                    # Every page from the root to the one served was read (none missing).
                    page._route_unrestricted = not any(row.restricted for row in rows)
                return page.route(request, path_components[consumed:])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from lms.portal.selectors import home_sections, recent_content

        context = super().get_context(request, *args, **kwargs)
        context["sections"] = home_sections(home=self)
        context["recent"] = recent_content(locale=self.locale, limit=6)
        return context


class SectionPage(BasePage):
    """A section of the site (training, worker awareness, resources) listing its children."""

    page_cache = True  # served to anonymous visitors from the page cache

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(PortalStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*BasePage.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("intro")]

    class Meta:
        verbose_name = _("section page")

    def get_context(self, request, *args, **kwargs):
        from lms.portal.selectors import child_listing

        context = super().get_context(request, *args, **kwargs)
        context["children"] = child_listing(parent=self)
        return context


class CountryPage(BasePage):
    """A country programme's own section: its team edits everything below it."""

    page_cache = True  # served to anonymous visitors from the page cache

    country = models.ForeignKey(
        "taxonomy.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(PortalStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("country"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("intro")]
    parent_page_types = ["portal.HomePage"]

    class Meta:
        verbose_name = _("country programme page")

    def get_context(self, request, *args, **kwargs):
        from lms.portal.selectors import child_listing, content_for_country

        context = super().get_context(request, *args, **kwargs)
        context["children"] = child_listing(parent=self)
        context["tagged"] = content_for_country(
            country_code=self.country.code, locale=self.locale, exclude=self, limit=12
        )
        return context


class CertificateCommunity(models.Model):
    """A community whose members include, automatically, everyone holding a valid
    certificate of a programme (e.g. the certified trainers' lounge). Certification and
    community may not import each other, so the link lives here (docs/decisions/0004)."""

    programme = models.ForeignKey(
        "certification.Programme",
        verbose_name=_("certification programme"),
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to=canonical_terms,
    )
    community = models.ForeignKey(
        "community.Community",
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_(
            "Holders join it when their certificate is issued or renewed and leave it when it "
            "is revoked or expires. Members added by a moderator stay."
        ),
    )

    panels = [FieldPanel("programme"), FieldPanel("community")]

    class Meta:
        verbose_name = _("community of certificate holders")
        verbose_name_plural = _("communities of certificate holders")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "community"], name="portal_one_certificate_community"
            )
        ]

    def __str__(self):
        return f"{self.programme} → {self.community}"
