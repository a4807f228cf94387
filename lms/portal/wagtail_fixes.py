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
translations, one query more per site, and its site lookup (``get_site_for_hostname``) one
more: three on this project's one-site deployment, on a process's first page. They are
read here together in one query, the same site and the same list in the same order, the
root paths kept under Wagtail's own cache key so that Wagtail's own invalidation (a site
saved or deleted, a site root or its translation saved) applies unchanged (issue 14
part 2).
"""

from django.core.exceptions import ValidationError


def connect() -> None:
    _chosen_views_answer_not_found()
    _chooser_widgets_show_nothing_for_an_impossible_key()
    _model_choices_refuse_numbers_too_large()
    _usage_count_filters_take_whole_numbers()
    _site_root_paths_in_one_query()


def site_root_paths() -> list:
    """What ``Site.get_site_root_paths`` answers (Wagtail 8), from Wagtail's cache, else
    read with the sites in one query (``sites_and_root_paths``)."""
    from django.core.cache import cache
    from wagtail.models.sites import (
        SITE_ROOT_PATHS_CACHE_KEY,
        SITE_ROOT_PATHS_CACHE_VERSION,
        SiteRootPath,
    )

    kept = cache.get(SITE_ROOT_PATHS_CACHE_KEY, version=SITE_ROOT_PATHS_CACHE_VERSION)
    if kept is not None:
        # Some cache backends give named tuples back as plain ones (as Wagtail converts).
        return [SiteRootPath(*entry) for entry in kept]
    return sites_and_root_paths()[1]


# The columns read beside each page (the site's, the page's language), not kept on it.
_SITE_COLUMNS = {
    "site_pk": "id",
    "site_hostname": "hostname",
    "site_port": "port",
    "site_site_name": "site_name",
    "site_root_page_id": "root_page_id",
    "site_is_default_site": "is_default_site",
}


def sites_and_root_paths() -> tuple[list, list]:
    """Every site, each with its root page read (as Wagtail's site lookup reads it), and
    the site root paths (``Site.get_site_root_paths``), in one query: the sites joined to
    their root page and, with internationalisation on, to each of its translations
    (``get_translations(inclusive=True)``, every state, in path order), sites ordered as
    Wagtail orders them (longest root path first, then the default site, then the
    hostname). The root paths are kept under Wagtail's own cache key, which Wagtail clears
    when a site is saved or deleted or a site root (or a translation of one) is saved."""
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from wagtail.models import Locale, Page, Site
    from wagtail.models.sites import (
        SITE_ROOT_PATHS_CACHE_KEY,
        SITE_ROOT_PATHS_CACHE_VERSION,
        SiteRootPath,
    )

    from lms.taxonomy.locales import keep_locales

    quote = connection.ops.quote_name
    site, page, locale = (quote(m._meta.db_table) for m in (Site, Page, Locale))
    same = (
        "translation.translation_key = root.translation_key"
        if getattr(settings, "WAGTAIL_I18N_ENABLED", False)
        else "translation.id = root.id"
    )
    columns = ", ".join(f"site.{quote(column)} AS {name}" for name, column in _SITE_COLUMNS.items())
    # Every locale, each with the site roots in its language (none: one row of nulls), so
    # the process keeps the locales too (``lms.taxonomy.locales``), which routing asks for
    # next. Only table and column names (quoted by the database's own rules) are put into
    # the text.
    page_columns = ", ".join(
        f"translation.{quote(field.column)} AS {quote(field.column)}"
        for field in Page._meta.concrete_fields
    )
    sql = (
        f"SELECT {page_columns}, {columns}, locale.id AS locale_pk,"  # noqa: S608
        " locale.language_code AS locale_code"
        f" FROM {locale} locale LEFT JOIN ({site} site"
        f" JOIN {page} root ON root.id = site.root_page_id"
        f" JOIN {page} translation ON {same})"
        " ON translation.locale_id = locale.id"
        " ORDER BY root.url_path DESC, site.is_default_site DESC, site.hostname ASC,"
        " site.id ASC, translation.path ASC, locale.id ASC"
    )
    sites, paths, locales = {}, [], {}
    for row in Page.objects.raw(sql):  # the pages' fields converted as the ORM converts them
        values = {column: getattr(row, name) for name, column in _SITE_COLUMNS.items()}
        code = row.locale_code
        locales.setdefault(row.locale_pk, code)
        for name in (*_SITE_COLUMNS, "locale_code", "locale_pk"):
            delattr(row, name)
        if values["id"] is None:
            continue  # a locale without a site root
        found = sites.get(values["id"])
        if found is None:
            values["is_default_site"] = bool(values["is_default_site"])
            found = sites[values["id"]] = Site.from_db(
                Site.objects.db, list(values), list(values.values())
            )
        if row.pk == found.root_page_id:
            found.root_page = row
        paths.append(SiteRootPath(found.pk, row.url_path, found.root_url, code))
    cache.set(SITE_ROOT_PATHS_CACHE_KEY, paths, 3600, version=SITE_ROOT_PATHS_CACHE_VERSION)
    keep_locales(
        Locale.from_db(Locale.objects.db, ["id", "language_code"], [pk, code])
        for pk, code in sorted(locales.items(), key=lambda item: item[1])
    )
    return list(sites.values()), paths


def site_for_hostname(hostname, port):
    """Wagtail's ``get_site_for_hostname`` (the site a request is for, with its root page),
    chosen by Wagtail's rules from ``sites_and_root_paths``, which reads the site root
    paths the page's addresses need next in the same query (Wagtail: one query for the
    site, then two for the root paths)."""
    from wagtail.models import Site
    from wagtail.models.sites import (
        MATCH_DEFAULT,
        MATCH_HOSTNAME,
        MATCH_HOSTNAME_DEFAULT,
        MATCH_HOSTNAME_PORT,
    )

    try:
        port = int(port)
    except (TypeError, ValueError):
        port = None

    def match(site) -> int:
        if site.hostname == hostname and site.port == port:
            return MATCH_HOSTNAME_PORT
        if site.hostname == hostname and site.is_default_site:
            return MATCH_HOSTNAME_DEFAULT
        if site.is_default_site:
            return MATCH_DEFAULT
        return MATCH_HOSTNAME

    everyone, _paths = sites_and_root_paths()
    sites = [site for site in everyone if site.hostname == hostname or site.is_default_site]
    for site in sites:
        site.match = match(site)
    sites.sort(key=lambda site: site.match)
    # Wagtail's choice among them, as written there.
    if sites:
        if len(sites) == 1 or sites[0].match in (MATCH_HOSTNAME_PORT, MATCH_HOSTNAME_DEFAULT):
            return sites[0]
        if sites[0].match == MATCH_DEFAULT:
            return sites[len(sites) == 2]
    raise Site.DoesNotExist()


def _site_root_paths_in_one_query() -> None:
    from wagtail.models import Site, sites

    if getattr(Site.get_site_root_paths, "in_one_query", False):
        return
    site_root_paths.in_one_query = True
    # Wagtail's own, compared with these in the tests.
    site_root_paths.wagtails = Site.get_site_root_paths
    site_for_hostname.wagtails = sites.get_site_for_hostname
    Site.get_site_root_paths = staticmethod(site_root_paths)
    sites.get_site_for_hostname = site_for_hostname


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
