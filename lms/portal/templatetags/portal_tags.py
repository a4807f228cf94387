"""Template tags for the public layout: the language switcher and page listings."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.http import urlencode
from django.utils.translation import get_language
from wagtail.models import Page

register = template.Library()


@register.inclusion_tag("portal/includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    """One link per language, landing on the same page in that language where it exists,
    on that language's home page otherwise."""
    request = context["request"]
    current = get_language()
    page = context.get("page")
    links = []
    if isinstance(page, Page) and page.pk:
        translations, homes = _translations_and_homes(page)
        for code, name in settings.LANGUAGES:
            target = translations.get(code) or homes.get(code)
            url = target.get_url(request) if target else f"/{code}/"
            links.append(
                {"code": code, "name": name, "url": url, "translated": code in translations}
            )
    else:
        path = request.get_full_path()
        for code, name in settings.LANGUAGES:
            links.append(
                {"code": code, "name": name, "url": translate_url(path, code), "translated": True}
            )
    return {
        "links": links,
        "current": current,
        "current_name": dict(settings.LANGUAGES).get(current, current),
    }


def _translations_and_homes(page):
    """The live translations of ``page`` and the home page of each language, in one query."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from lms.portal.models import HomePage

    home_type = ContentType.objects.get_for_model(HomePage)  # kept by Django after once
    translations, homes = {}, {}
    for found in (
        Page.objects.live()
        .filter(Q(translation_key=page.translation_key) | Q(content_type=home_type))
        .select_related("locale")
    ):
        code = found.locale.language_code
        if found.translation_key == page.translation_key:
            translations[code] = found
        if found.content_type_id == home_type.pk:
            homes[code] = found
    return translations, homes


@register.filter
def page_kind(page):
    """The human name of a page's type, for listings."""
    return page.specific_class._meta.verbose_name if page.specific_class else ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")


@register.filter
def get_attr(obj, name):
    return getattr(obj, name, "")


@register.simple_tag
def query_with(filters, name, code):
    """The browse query string with ``name`` set to ``code`` (or cleared if already set)."""
    values = dict(filters.active())
    if values.get(name) == code:
        values.pop(name)
    else:
        values[name] = code
    return urlencode(values)


@register.simple_tag
def page_query(request, number):
    """The current query string with another page number."""
    query = request.GET.copy()
    query["page"] = number
    return query.urlencode()
