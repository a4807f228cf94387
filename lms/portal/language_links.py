"""The language switcher's links for a Wagtail page: one per language, landing on the page's
live translation in that language, else on that language's home page.

They change only when a page is published, unpublished, moved or deleted, or a site or
locale changes, each of which starts a new content generation of the page cache
(lms/page_cache.py): they are kept in the shared cache under that generation, so the pages
they name are read once per page and generation, not per request.

Where they are not kept yet (a process's first page with an empty cache, the first request
for a page after an edit), routing reads them with the page served (decision 0629):
``HomePage.route`` asks ``kept_for_route`` before reading the page's own row and, when it
answers None, reads the row with ``with_language_targets``, so the addresses come in the
query routing makes anyway and the switcher asks no query of its own. Elsewhere (a view
given a page that was not routed, a preview) the switcher reads them in one query, as
before.
"""

import hashlib
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.db.models import Aggregate, F, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Concat
from wagtail.models import Page

from lms.taxonomy.locales import locale_by_pk

# Where routing leaves what it found for the switcher, on the request.
REQUEST_ATTRIBUTE = "_language_links"
# The annotation ``with_language_targets`` puts on the page read.
TARGETS = "language_targets"


class _JoinedRows(Aggregate):
    """The rows' texts, one a line: GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL (as
    the person's role codes, ``lms.accounts.backends``; JSON functions would cost SQLite
    connections a feature check of their own)."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, CHAR(10))"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(expressions)s, CHR(10))",
            **extra_context,
        )


def _home_type_pk() -> int:
    from lms.portal.models import HomePage

    return ContentType.objects.get_for_model(HomePage).pk  # kept by Django after once


def with_language_targets(queryset):
    """``queryset`` (of pages) with ``language_targets``: the pages the switcher may link
    to from each (its live translations, itself included, and the live home pages), read in
    a subquery of the same query as a line each: tree path, id, locale id, content type id,
    translation key and URL path (slugs hold no space nor line break)."""
    home = _home_type_pk()
    fields = ["path", "id", "locale_id", "content_type_id", "translation_key", "url_path"]
    parts = [part for name in fields for part in (F(name), Value(" "))][:-1]
    row = Concat(*parts, output_field=TextField())
    rows = (
        Page.objects.live()
        .filter(Q(translation_key=OuterRef("translation_key")) | Q(content_type_id=home))
        .order_by()
        .values("live")  # one group: every row is live
        .annotate(rows=_JoinedRows(row))
        .values("rows")
    )
    return queryset.annotate(**{TARGETS: Subquery(rows, output_field=TextField())})


def specific_with_language_targets(page):
    """Wagtail's ``page.specific`` (the page's own row as its specific type, with what the
    plain instance holds copied over), read ``with_language_targets``."""
    model = page.specific_class
    if model is None or isinstance(page, model):
        return page.specific
    specific = with_language_targets(model._default_manager.filter(id=page.id)).get()
    for name, value in page.__dict__.items():
        specific.__dict__.setdefault(name, value)
    page.__dict__["specific"] = specific  # as Wagtail's cached property keeps it
    return specific


def _key(request, page) -> str | None:
    from lms import page_cache

    try:
        host = request.get_host()
        generation = page_cache.current_generation()
    except Exception:  # no host (a preview, a test request) or the cache down: compute
        return None
    return "switcher:" + (
        hashlib.sha256(
            f"{host}\n{request.is_secure()}\n{page.translation_key}\n{generation}".encode()
        ).hexdigest()
    )


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def kept_for_route(request, page) -> list[dict] | None:
    """The links kept for ``page`` (routing's plain row of the page about to be served),
    left on the request for the switcher; None when none are kept (routing then reads the
    page ``with_language_targets``, and the switcher keeps what it makes of them under the
    key looked up here)."""
    key = _key(request, page)
    if key is None:
        return None
    try:
        links = _cache().get(key)
    except Exception:
        return None
    setattr(request, REQUEST_ATTRIBUTE, (page.translation_key, key, links))
    return links


def links_for(request, page) -> list[dict]:
    """The switcher's links for ``page``: looked up by routing for this request, kept in
    the cache, made from the pages routing read with the page, else read here in one
    query."""
    looked_up = getattr(request, REQUEST_ATTRIBUTE, None)
    if looked_up is not None and looked_up[0] == page.translation_key:
        key, links = looked_up[1], looked_up[2]
    else:
        key = _key(request, page)
        if key is None:
            return _links(request, page)
        links = _cache().get(key)
    if links is None:
        links = _links(request, page)
        _cache().set(key, links, timeout=settings.PAGE_CACHE_SECONDS)
        setattr(request, REQUEST_ATTRIBUTE, (page.translation_key, key, links))
    return links


def _links(request, page) -> list[dict]:
    targets = getattr(page, TARGETS, None)
    if targets is not None:
        translations, homes = _from_rows(page, targets)
    else:
        translations, homes = _translations_and_homes(page)
    links = []
    for code, name in settings.LANGUAGES:
        target = translations.get(code) or homes.get(code)
        url = target.get_url(request) if target else f"/{code}/"
        links.append(
            {"code": code, "name": str(name), "url": url, "translated": code in translations}
        )
    return links


def _from_rows(page, rows: str) -> tuple[dict, dict]:
    """The translations and home pages by language code, from ``language_targets``, as
    pages holding what their addresses need (their id, language and URL path), in tree
    path order as the query below reads them."""
    home = _home_type_pk()
    translations, homes = {}, {}
    for line in sorted((rows or "").splitlines()):
        _path, pk, locale_id, content_type_id, translation_key, url_path = line.split(" ", 5)
        locale = locale_by_pk(int(locale_id))
        if locale is None:
            continue
        found = Page(id=int(pk), locale_id=locale.pk, url_path=url_path)
        found.locale = locale
        if uuid.UUID(translation_key) == page.translation_key:  # as each database writes it
            translations[locale.language_code] = found
        if int(content_type_id) == home:
            homes[locale.language_code] = found
    return translations, homes


def _translations_and_homes(page) -> tuple[dict, dict]:
    """The live translations of ``page`` and the home page of each language, in one query."""
    home = _home_type_pk()
    translations, homes = {}, {}
    for found in (
        Page.objects.live()
        .filter(Q(translation_key=page.translation_key) | Q(content_type_id=home))
        .select_related("locale")
    ):
        code = found.locale.language_code
        if found.translation_key == page.translation_key:
            translations[code] = found
        if found.content_type_id == home:
            homes[code] = found
    return translations, homes
