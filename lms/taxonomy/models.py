"""Countries, sectors and the compliance taxonomy (8 clusters and their compliance points).

Each term is a translatable snippet: one row per locale, sharing a ``translation_key`` and a
stable ``code``. Other models point at the default-locale row; templates show
``term.localized`` (or use :mod:`lms.taxonomy.selectors` for lists) in the reader's language.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page, TranslatableMixin
from wagtail.search import index

from lms.taxonomy.routing import LocaleFallbackRoutingMixin, OneQueryViewRestrictionsMixin


class TermQuerySet(models.QuerySet):
    def canonical(self):
        """The default-locale rows: the ones other models refer to."""
        from lms.taxonomy.locales import default_locale

        return self.filter(locale=default_locale())


class Term(TranslatableMixin, index.Indexed, models.Model):
    code = models.SlugField(
        _("code"), max_length=40, help_text=_("A stable identifier, the same in every language.")
    )
    name = models.CharField(_("name"), max_length=120)

    objects = TermQuerySet.as_manager()

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta(TranslatableMixin.Meta):
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class Country(Term):
    iso_code = models.CharField(
        _("ISO 3166 code"), max_length=2, help_text=_("Two letters, for example VN.")
    )
    languages = models.JSONField(
        _("languages"),
        default=list,
        blank=True,
        help_text=_('Language codes the material needs in this country, for example ["vi", "en"].'),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("code"),
        FieldPanel("iso_code"),
        FieldPanel("languages"),
    ]

    class Meta(Term.Meta):
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.UniqueConstraint(fields=["locale", "code"], name="taxonomy_country_unique_code"),
        ]


class Sector(Term):
    panels = [FieldPanel("name"), FieldPanel("code")]

    class Meta(Term.Meta):
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        constraints = [
            models.UniqueConstraint(fields=["locale", "code"], name="taxonomy_sector_unique_code"),
        ]


class Cluster(Term):
    class Kind(models.TextChoices):
        CORE = "core", _("Core labour standard")
        CONDITIONS = "conditions", _("Working conditions")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("code"),
        FieldPanel("kind"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]

    class Meta(Term.Meta):
        verbose_name = _("compliance cluster")
        verbose_name_plural = _("compliance clusters")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["locale", "code"], name="taxonomy_cluster_unique_code"),
        ]


class CompliancePoint(Term):
    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="points", verbose_name=_("cluster")
    )

    panels = [FieldPanel("name"), FieldPanel("code"), FieldPanel("cluster")]

    class Meta(Term.Meta):
        verbose_name = _("compliance point")
        verbose_name_plural = _("compliance points")
        constraints = [
            models.UniqueConstraint(fields=["locale", "code"], name="taxonomy_point_unique_code"),
        ]


def canonical_terms():
    """``limit_choices_to`` for tag fields: only the default-locale rows are offered."""
    from django.conf import settings

    return {"locale__language_code": settings.LANGUAGE_CODE}


class BasePage(OneQueryViewRestrictionsMixin, LocaleFallbackRoutingMixin, Page):
    """What every content page shares: a summary, a listing image and the taxonomy tags that
    let a visitor browse "everything about Working Time in Khmer".

    Concrete on purpose: one table of tags for every page type, so browsing, counting and
    reporting across all content is one query, not one per page type.
    """

    is_creatable = False

    summary = models.TextField(
        _("summary"), blank=True, max_length=400, help_text=_("One or two sentences for listings.")
    )
    listing_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("listing image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    countries = ParentalManyToManyField(
        "taxonomy.Country",
        verbose_name=_("countries"),
        blank=True,
        related_name="pages",
        limit_choices_to=canonical_terms,
        help_text=_("Leave empty for content that serves every country."),
    )
    sectors = ParentalManyToManyField(
        "taxonomy.Sector",
        verbose_name=_("sectors"),
        blank=True,
        related_name="pages",
        limit_choices_to=canonical_terms,
    )
    clusters = ParentalManyToManyField(
        "taxonomy.Cluster",
        verbose_name=_("compliance clusters"),
        blank=True,
        related_name="pages",
        limit_choices_to=canonical_terms,
    )
    compliance_points = ParentalManyToManyField(
        "taxonomy.CompliancePoint",
        verbose_name=_("compliance points"),
        blank=True,
        related_name="pages",
        limit_choices_to=canonical_terms,
    )

    taxonomy_panels = [
        MultiFieldPanel(
            [
                FieldPanel("countries"),
                FieldPanel("sectors"),
                FieldPanel("clusters"),
                FieldPanel("compliance_points"),
            ],
            heading=_("Tags"),
        )
    ]
    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("listing_image")]
    promote_panels = [*Page.promote_panels, *taxonomy_panels]

    search_fields = [*Page.search_fields, index.SearchField("summary")]

    class Meta:
        verbose_name = _("content page")
        verbose_name_plural = _("content pages")
