"""Small template helpers of the compliance room."""

from django import template

register = template.Library()


@register.filter
def lookup(mapping, key):
    """``mapping[key]`` in a template, or ``""``."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def percent(part, whole):
    try:
        return round(100 * part / whole) if whole else 0
    except (TypeError, ValueError):
        return 0
