"""Numbers and dates written with the digits of the reader's language.

Which digits a language uses comes from CLDR through Babel (decision 0010): its default
numbering system (Bengali: ``beng``), unless ``settings.NUMBERING_SYSTEMS`` picks another one
of CLDR's systems for the language (Khmer: its ``native`` system, ``khmr``, as Better
Factories Cambodia's printed material does). Numbers take CLDR's grouping and separators
from Babel; dates keep Django's format and month names for the language; the digits 0-9
are then written in the language's own script, so one helper serves pages, e-mails and
PDFs alike.

Babel is imported, and its CLDR data read, only when a number needs CLDR's grouping (1,000
or more, negative or not whole) or a language is missing from ``_CLDR_NUMBERING_SYSTEMS``:
CLDR's global data with the root and English locales cost a worker about 6 MB, and most
numbers on a page are small counts (decision 0617). ``tests/test_numerals.py`` checks the
table and the small numbers against Babel for every language of ``settings.LANGUAGES``.
"""

import unicodedata
from functools import cache

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


# CLDR's numbering systems of the site's languages, as Babel gives them (``default``: the
# locale's default numbering system; the others: its ``other_numbering_systems``). A language
# or a choice not listed here is looked up in Babel.
_CLDR_NUMBERING_SYSTEMS = {
    "en": {"default": "latn", "native": "latn"},
    "vi": {"default": "latn", "native": "latn"},
    "ar": {"default": "latn", "native": "arab"},
    "km": {"default": "latn", "native": "khmr"},
    "bn": {"default": "beng", "native": "beng"},
    "id": {"default": "latn", "native": "latn"},
    "es": {"default": "latn", "native": "latn"},
    "fr": {"default": "latn", "native": "latn"},
    "am": {"default": "latn", "native": "latn", "traditional": "ethi"},
    "ur": {"default": "latn", "native": "arabext"},
    "ht": {"default": "latn", "native": "latn"},
    "st": {"default": "latn", "native": "latn"},
}


def _babel_locale(language: str):
    from babel import Locale

    return Locale.parse(language.replace("-", "_"))


def _cldr_numbering_system(language: str, wanted: str) -> str:
    from babel import UnknownLocaleError

    try:
        locale = _babel_locale(language)
    except (UnknownLocaleError, ValueError):
        return "latn"
    if wanted == "default":
        return locale.default_numbering_system
    return locale.other_numbering_systems.get(wanted, wanted)


@cache
def numbering_system(language: str) -> str:
    """CLDR's numbering system for ``language`` (``latn``, ``beng``, ``khmr`` ...)."""
    wanted = getattr(settings, "NUMBERING_SYSTEMS", {}).get(language, "default")
    known = _CLDR_NUMBERING_SYSTEMS.get(language, {})
    if wanted in known:
        return known[wanted]
    return _cldr_numbering_system(language, wanted)


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


# Whole numbers (``int``, as ``LocalCount`` passes them) from 0 to 999 are written without
# Babel in these languages: their CLDR decimal pattern (``#,##0.###``, ``#,##,##0.###`` in
# Bengali) adds nothing to fewer than four digits.
_SMALL_PLAIN = frozenset(_CLDR_NUMBERING_SYSTEMS)


def local_number(value, language: str | None = None) -> str:
    """A number written the way ``language`` writes it: CLDR's grouping and separators
    (Bengali groups by lakh: ১২,৩৪,৫৬৭) and the language's digits."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    if type(value) is int and 0 <= value < 1000 and language in _SMALL_PLAIN:
        # No grouping, separator or sign to place: CLDR's decimal pattern of each listed
        # language writes these as the plain digits (tests/test_numerals.py).
        return local_digits(value, language)
    from babel import UnknownLocaleError
    from babel.numbers import format_decimal

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
