"""Template tags for the public layout: the language switcher and page listings."""

from functools import lru_cache
from urllib.parse import unquote, urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.urls import (
    NoReverseMatch,
    Resolver404,
    URLResolver,
    get_resolver,
    get_script_prefix,
    get_urlconf,
    resolve,
    reverse,
    translate_url,
)
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import get_language
from wagtail.models import Page

from lms import urlconfs
from lms.lazy_urls import ResolverOnFirstUse
from lms.portal import language_links
from lms.taxonomy.locales import locale_by_pk

register = template.Library()


@register.inclusion_tag("portal/includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    """One link per language, landing on the same page in that language where it exists,
    on that language's home page otherwise. A view whose address has no language prefix
    gives its own links as ``language_urls`` ({code: url})."""
    request = context["request"]
    current = get_language()
    page = context.get("page")
    links = []
    own = context.get("language_urls")  # a view's own address for each language
    if own:
        for code, name in settings.LANGUAGES:
            if code in own:
                links.append({"code": code, "name": name, "url": own[code], "translated": True})
    elif isinstance(page, Page) and page.pk:
        links = language_links.links_for(request, page)
    else:
        links = _path_links(request.get_full_path(), get_urlconf())
    return {
        "links": links,
        "current": current,
        "current_name": dict(settings.LANGUAGES).get(current, current),
    }


@lru_cache(maxsize=1024)
def _path_links(path: str, urlconf) -> tuple[dict, ...]:
    """The switcher's links for an application view's address: the same address in each
    language. They depend on the address and the URL patterns (``urlconf``) alone, so each
    process works them out once per address (resolving and reversing it in eleven languages
    was about 7 % of a signed-in thread page's time).

    When the language prefix is the only part of the patterns that depends on the language
    (no translated routes), the address in another language is this language's with the
    prefix changed, which is what ``translate_url`` would give. Working it out that way does
    not activate the other languages: activating one loads its catalogues and builds Django's
    reverse-lookup tables for it, about 2 MB a language, which a worker serving only English
    readers had held for all twelve after its first sign-in page (issue 14: a worker's
    memory)."""
    if not _only_the_prefix_depends_on_the_language(urlconf):
        return tuple(
            {"code": code, "name": name, "url": translate_url(path, code), "translated": True}
            for code, name in settings.LANGUAGES
        )
    # What ``translate_url`` does, reversing once, in the current language.
    parts = urlsplit(path)
    try:
        match = resolve(unquote(parts.path))
        view = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
        reversed_path = reverse(view, args=match.args, kwargs=match.kwargs)
    except (Resolver404, NoReverseMatch):
        reversed_path = None  # the address stays as it is in every language
    prefix = f"{get_script_prefix()}{get_language() or settings.LANGUAGE_CODE}/"
    links = []
    for code, name in settings.LANGUAGES:
        url = path
        if reversed_path is not None:
            in_language = reversed_path
            if reversed_path.startswith(prefix):
                in_language = f"{get_script_prefix()}{code}/{reversed_path[len(prefix) :]}"
            url = urlunsplit(parts._replace(path=in_language))
        links.append({"code": code, "name": name, "url": url, "translated": True})
    return tuple(links)


@lru_cache(maxsize=4)
def _only_the_prefix_depends_on_the_language(urlconf) -> bool:
    """Whether every URL pattern is a plain route or regex, apart from ``i18n_patterns``'
    language prefix (always shown): then reversing in another language changes the prefix
    alone. A translated route, an unprefixed default language or a pattern of another kind
    answers no."""
    return plain_patterns(get_resolver(urlconf).url_patterns)


def plain_patterns(patterns) -> bool:
    """``_only_the_prefix_depends_on_the_language`` for ``patterns``. A section included on
    first use (``lms.lazy_urls``) is not imported for it: such sections are outside the
    language prefix with plain routes, which tests/test_lazy_urls.py checks."""
    for entry in patterns:
        pattern = entry.pattern
        if isinstance(pattern, LocalePrefixPattern):
            if not pattern.prefix_default_language:
                return False
        elif isinstance(pattern, RoutePattern):
            if isinstance(pattern._route, Promise):
                return False
        elif not isinstance(pattern, RegexPattern) or isinstance(pattern._regex, Promise):
            return False
        if isinstance(entry, ResolverOnFirstUse):
            continue
        if isinstance(entry, URLResolver) and not plain_patterns(entry.url_patterns):
            return False
    return True


@register.simple_tag(takes_context=True)
def page_userbar(context):
    """Wagtail's userbar (edit this page, the accessibility checker) where there is a page to
    edit. The application's own views (cohorts, factories, reports) have none, and the userbar
    would cost them three queries (the user's permissions and admin profile) for nothing but
    a link to the admin."""
    if not any(isinstance(context.get(name), Page) for name in ("page", "self")):
        return ""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""  # Wagtail's own answer (no permission), without importing its userbar
    if urlconfs.uses_public_urlconf():
        # Someone who is not staff but may use the admin (a group's access_admin): the
        # userbar reverses admin names, which the public URLconf does not have (decision
        # 0633). The permission is the one Wagtail checks next, read once (cached).
        if not user.has_perm("wagtailadmin.access_admin"):
            return ""
        urlconfs.use_full_urlconf(request)
    from wagtail.admin.templatetags.wagtailuserbar import wagtailuserbar

    return wagtailuserbar(context)


@register.simple_tag
def content_lang(item):
    """` lang=".." dir=".."` for an element showing ``item``'s text when it is not in the
    reader's language (a page or term not translated yet, served from the default language),
    so that browsers and screen readers read it in its real language; nothing otherwise."""
    locale_id = getattr(item, "locale_id", None)
    if locale_id is None:
        return ""
    locale = locale_by_pk(locale_id)
    code = locale.language_code if locale is not None else None
    if code is None or code == get_language():
        return ""
    direction = "rtl" if code in settings.RTL_LANGUAGES else "ltr"
    return format_html(' lang="{}" dir="{}"', code, direction)


@register.simple_tag
def interface_lang(item):
    """The reader's own ` lang=".." dir=".."`, for an interface string that has to sit inside
    an element ``content_lang`` marks as another language (an episode's number inside its
    heading); nothing when ``item`` is in the reader's language already."""
    if not content_lang(item):
        return ""
    code = get_language() or settings.LANGUAGE_CODE
    direction = "rtl" if code in settings.RTL_LANGUAGES else "ltr"
    return format_html(' lang="{}" dir="{}"', code, direction)


@register.filter
def marks_own_content(block) -> bool:
    """Whether a StreamField block's own template marks its text with ``content_lang``
    (blocks that also show interface strings, such as a "Download" button, do, so that the
    interface stays in the reader's language); a block rendered without a template is only
    content, and the page wraps it in an element marked with the page's language."""
    meta = getattr(getattr(block, "block", None), "meta", None)
    return bool(getattr(meta, "template", None))


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
