"""Small display helpers for certification templates."""

from django import template

register = template.Library()


@register.filter
def lookup(mapping, key):
    """``mapping[key]``, or an empty string."""
    return mapping.get(key, "") if mapping else ""
