"""``{% load numerals %}``: numbers and dates in the digits of the page's language
(``lms.numerals``), e.g. ``{{ total|localnumber }}``, ``{{ day|date:"DATE_FORMAT"|localdigits }}``."""

from django import template

from lms.numerals import local_digits, local_number

register = template.Library()


@register.filter
def localdigits(value):
    """The value as text, its digits 0-9 in the active language's digits."""
    if value is None or value == "":
        return value
    return local_digits(value)


@register.filter
def localnumber(value):
    """A number with the active language's separators and digits."""
    if value is None or value == "":
        return value
    return local_number(value)
