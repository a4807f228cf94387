"""``{% load numerals %}``: numbers and dates in the digits of the page's language
(``lms.numerals``): ``{{ total|localnumber }}``, ``{{ day|date:"DATE_FORMAT"|localdigits }}``,
``{% blocktranslate count counter=items|length|localcount %}``."""

from django import template

from lms.numerals import LocalCount, local_digits, local_number

register = template.Library()


@register.filter(is_safe=True)
def localdigits(value):
    """The value as text, its digits 0-9 in the active language's digits."""
    if value is None or value == "":
        return value
    return local_digits(value)


@register.filter(is_safe=True)
def localnumber(value):
    """A number with the active language's separators and digits."""
    if value is None or value == "":
        return value
    return local_number(value)


@register.filter
def localcount(value):
    """A count for ``blocktranslate count``: still a number (for the plural form), written in
    the active language's digits; anything that is not a whole number is left as it is."""
    try:
        return LocalCount(int(value))
    except (TypeError, ValueError):
        return value
