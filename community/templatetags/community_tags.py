"""Small template helpers of the community pages."""

from django import template

from community import selectors

register = template.Library()


@register.inclusion_tag("community/includes/nav.html", takes_context=True)
def community_nav(context, current=""):
    request = context["request"]
    return {
        "request": request,
        "user": request.user,
        "current": current,
        "unread": _unread(request),
    }


def _unread(request) -> int:
    read = getattr(request, "community_unread", None)  # read with the thread (views)
    if read is not None:
        return read
    return selectors.unread_notification_count(user=request.user)


@register.filter
def language_name(code):
    return selectors.language_name(code)


@register.filter
def sanitized(html):
    """Show stored post HTML: it was cleaned on the way in, and is cleaned again on the way
    out (once per process and version of the text), so a change to the allowlist applies to
    old posts too."""
    from django.utils.safestring import mark_safe

    from lms.sanitizer import sanitize_html_cached

    return mark_safe(sanitize_html_cached(html))


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
