"""The one guard every CSV and XLSX export goes through (issue 16): a cell a spreadsheet
would read as a formula (a learner named ``=HYPERLINK(...)``, an organisation called
``+cmd|...``) is neutralised by the OWASP rule, so opening an export never runs anything.

Rooms write exports with ``safe_row`` (a row of values) or ``safe_rows``; numbers, dates and
empty cells pass unchanged, text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return gets a leading apostrophe, which spreadsheets show as text.
"""

from collections.abc import Iterable, Iterator

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """``value`` made safe for a spreadsheet cell (text only; other values unchanged)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    return [neutralise(value) for value in values]


def safe_rows(rows: Iterable[Iterable]) -> Iterator[list]:
    for row in rows:
        yield safe_row(row)
