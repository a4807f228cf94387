"""Numbers and dates written with the digits of the reader's language.

Which digits a language uses comes from CLDR through Babel (decision 0010): its default
numbering system (Bengali: ``beng``), unless ``settings.NUMBERING_SYSTEMS`` picks another one
of CLDR's systems for the language (Khmer: its ``native`` system, ``khmr``, as Better
Factories Cambodia's printed material does). Numbers take CLDR's grouping and separators
from Babel; dates keep Django's format and month names for the language; the digits 0-9
are then written in the language's own script, so one helper serves pages, e-mails and
PDFs alike.
"""

import unicodedata
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal
from django.conf import settings
from django.utils import formats, translation

# The zero of each decimal numbering system CLDR may name for our languages; a system not
# listed here (or not decimal, like Ethiopic) is written with Western digits.
_ZERO = {
    "arab": "ARABIC-INDIC DIGIT ZERO",
    "arabext": "EXTENDED ARABIC-INDIC DIGIT ZERO",
    "beng": "BENGALI DIGIT ZERO",
    "deva": "DEVANAGARI DIGIT ZERO",
    "khmr": "KHMER DIGIT ZERO",
    "mymr": "MYANMAR DIGIT ZERO",
    "thai": "THAI DIGIT ZERO",
}


def _babel_locale(language: str) -> Locale:
    return Locale.parse(language.replace("-", "_"))


@cache
def numbering_system(language: str) -> str:
    """CLDR's numbering system for ``language`` (``latn``, ``beng``, ``khmr`` ...)."""
    try:
        locale = _babel_locale(language)
    except (UnknownLocaleError, ValueError):
        return "latn"
    wanted = getattr(settings, "NUMBERING_SYSTEMS", {}).get(language, "default")
    if wanted == "default":
        return locale.default_numbering_system
    return locale.other_numbering_systems.get(wanted, wanted)


@cache
def _digits_table(language: str) -> dict[int, str]:
    system = numbering_system(language)
    if system not in _ZERO:
        return {}
    zero = ord(unicodedata.lookup(_ZERO[system]))
    return {ord("0") + digit: chr(zero + digit) for digit in range(10)}


def local_digits(text, language: str | None = None) -> str:
    """``text`` with the digits 0-9 written in ``language``'s digits (the active language
    when not given)."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    return str(text).translate(_digits_table(language))


def local_number(value, language: str | None = None) -> str:
    """A number written the way ``language`` writes it: CLDR's grouping and separators
    (Bengali groups by lakh: ১২,৩৪,৫৬৭) and the language's digits."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    try:
        text = format_decimal(value, locale=_babel_locale(language))
    except (UnknownLocaleError, ValueError, TypeError):
        with translation.override(language):
            text = formats.number_format(value, use_l10n=True)
    return local_digits(text, language)


def local_date(value, language: str | None = None, format_name: str = "DATE_FORMAT") -> str:
    """A date formatted for ``language`` (Django's format and month names) in its digits."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        return local_digits(formats.date_format(value, format_name), language)


class LocalCount(int):
    """A count that is still a number (``blocktranslate count`` picks the plural form from
    it) but is written in the digits of ``language``: the same message, with ``{{ counter }}``
    in it, serves every language without a second placeholder."""

    language: str

    def __new__(cls, value, language: str | None = None):
        count = super().__new__(cls, value)
        count.language = language or translation.get_language() or settings.LANGUAGE_CODE
        return count

    def __str__(self) -> str:
        return local_number(int(self), self.language)

    __html__ = __str__

    def __format__(self, spec: str) -> str:
        return str(self) if not spec else format(int(self), spec)
