"""Corrections to Wagtail's own views, applied once at start-up.

The admin's chooser views look an object up by the key in their address and treat only a
missing row as "not found": a key that cannot be a key at all (`abc`, a NUL byte for an integer
primary key) raised ValueError and answered 500 (found by tests/test_fuzz_routes.py). Such a
key names nothing, so it is a 404 like any other unknown one.

The same holds where a form is shown again with what was sent (found by tests/crawl.py): an
admin chooser widget looked up a value that cannot be a key and answered 500 instead of
showing the form with its error, and a model choice field given a number too large for
SQLite's integers (40 digits) let OverflowError through where any other impossible key is
"not one of the choices". PostgreSQL refuses such numbers inside Django already.

The documents and images lists filter on a usage count through a range of decimals: forty
digits passed the form and overflowed SQLite's integers when the count was compared. A count
is a whole number within the database's integers, so the range's fields say so, and a number
outside them is a form error shown beside the filter (the list stays unfiltered).

Wagtail's site root paths (``Site.get_site_root_paths``, which every page address asks for
once the Django cache has forgotten them) read the sites and then each site's root page's
translations, one query more per site: three on this project's one-site deployment, on
a process's first page. They are read here in one query, the same list in the same order,
kept under Wagtail's own cache key so that Wagtail's own invalidation (a site saved or
deleted, a site root or its translation saved) applies unchanged (issue 14 part 2).
"""

from django.core.exceptions import ValidationError


def connect() -> None:
    _chosen_views_answer_not_found()
    _chooser_widgets_show_nothing_for_an_impossible_key()
    _model_choices_refuse_numbers_too_large()
    _usage_count_filters_take_whole_numbers()
    _site_root_paths_in_one_query()


def site_root_paths() -> list:
    """What ``Site.get_site_root_paths`` answers (Wagtail 8), in one query: the sites
    joined to their root page and, with internationalisation on, to each of its
    translations (``get_translations(inclusive=True)``, every state, in path order), sites
    ordered as Wagtail orders them (longest root path first, then the default site, then
    the hostname)."""
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from wagtail.models import Locale, Page, Site
    from wagtail.models.sites import (
        SITE_ROOT_PATHS_CACHE_KEY,
        SITE_ROOT_PATHS_CACHE_VERSION,
        SiteRootPath,
    )

    kept = cache.get(SITE_ROOT_PATHS_CACHE_KEY, version=SITE_ROOT_PATHS_CACHE_VERSION)
    if kept is not None:
        # Some cache backends give named tuples back as plain ones (as Wagtail converts).
        return [SiteRootPath(*entry) for entry in kept]
    quote = connection.ops.quote_name
    site, page, locale = (quote(m._meta.db_table) for m in (Site, Page, Locale))
    same = (
        "translation.translation_key = root.translation_key"
        if getattr(settings, "WAGTAIL_I18N_ENABLED", False)
        else "translation.id = root.id"
    )
    # Only table names (quoted by the database's own rules) are put into the text.
    sql = (
        "SELECT site.id, site.hostname, site.port, translation.url_path, locale.language_code"  # noqa: S608
        f" FROM {site} site"
        f" JOIN {page} root ON root.id = site.root_page_id"
        f" JOIN {page} translation ON {same}"
        f" JOIN {locale} locale ON locale.id = translation.locale_id"
        " ORDER BY root.url_path DESC, site.is_default_site DESC, site.hostname ASC,"
        " site.id ASC, translation.path ASC"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    result = [
        SiteRootPath(site_id, url_path, Site(hostname=hostname, port=port).root_url, code)
        for site_id, hostname, port, url_path, code in rows
    ]
    cache.set(SITE_ROOT_PATHS_CACHE_KEY, result, 3600, version=SITE_ROOT_PATHS_CACHE_VERSION)
    return result


def _site_root_paths_in_one_query() -> None:
    from wagtail.models import Site

    if getattr(Site.get_site_root_paths, "in_one_query", False):
        return
    site_root_paths.in_one_query = True
    site_root_paths.wagtails = Site.get_site_root_paths  # compared with it in the tests
    Site.get_site_root_paths = staticmethod(site_root_paths)


def _usage_count_filters_take_whole_numbers() -> None:
    from django import forms
    from django_filters.fields import RangeField
    from wagtail.admin.filters import BaseMediaFilterSet

    from lms.request_values import MAX_KEY

    class WholeNumberRangeField(RangeField):
        def __init__(self, fields=None, *args, **kwargs):
            bounds = {"min_value": -MAX_KEY, "max_value": MAX_KEY}
            fields = fields or (forms.IntegerField(**bounds), forms.IntegerField(**bounds))
            super().__init__(fields, *args, **kwargs)

    # The declared filter is one object shared by the documents' and the images' filter sets
    # (each instance deep-copies it), so setting its field class here reaches both.
    usage_count = BaseMediaFilterSet.declared_filters["usage_count"]
    usage_count.field_class = WholeNumberRangeField


def _chooser_widgets_show_nothing_for_an_impossible_key() -> None:
    from wagtail.admin.widgets.chooser import BaseChooser

    original = BaseChooser.get_instance
    if getattr(original, "ignores_impossible_keys", False):
        return

    def get_instance(self, value):
        try:
            return original(self, value)
        except (ValueError, TypeError, OverflowError, ValidationError):
            return None

    get_instance.ignores_impossible_keys = True
    BaseChooser.get_instance = get_instance


def _model_choices_refuse_numbers_too_large() -> None:
    from django.forms.models import ModelChoiceField, ModelMultipleChoiceField

    single = ModelChoiceField.to_python
    if getattr(single, "refuses_overflow", False):
        return

    def to_python(self, value):
        try:
            return single(self, value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None

    def check_values(self, value):
        try:
            return several(self, value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": "…"},
            ) from None

    several = ModelMultipleChoiceField._check_values
    to_python.refuses_overflow = True
    ModelChoiceField.to_python = to_python
    ModelMultipleChoiceField._check_values = check_values


def _chosen_views_answer_not_found() -> None:
    from wagtail.admin.views.generic.chooser import ChosenViewMixin

    original = ChosenViewMixin.get_object
    if getattr(original, "answers_not_found", False):
        return

    def get_object(self, pk):
        try:
            return original(self, pk)
        except (ValueError, TypeError, ValidationError) as error:
            raise self.model_class.DoesNotExist(str(error)) from error

    get_object.answers_not_found = True
    ChosenViewMixin.get_object = get_object
