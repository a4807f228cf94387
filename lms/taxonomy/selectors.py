"""Reading the taxonomy in the reader's language."""

import copy
import threading
import time

from django.conf import settings
from django.utils.translation import get_language

from lms.taxonomy.locales import locale_for_language
from lms.taxonomy.models import Cluster, CompliancePoint, Country, Sector

TERM_MODELS = {
    "country": Country,
    "sector": Sector,
    "topic": Cluster,
    "point": CompliancePoint,
}


# Terms change when staff edit the taxonomy: each process keeps them, per model and language,
# ``LOOKUP_CACHE_SECONDS`` (another process may have changed them) and forgets them at once
# when a term or a locale is saved or deleted here. Callers get copies: what one request sets
# on a term (a count, a label) never reaches another.
_terms_lock = threading.Lock()
_known_terms: dict[tuple[str, str], tuple[float, dict]] = {}


def terms_in_language(*, model, language_code: str | None = None) -> dict[str, object]:
    """Every term of ``model`` keyed by code, each in ``language_code`` where a translation
    exists and in the default language otherwise. Two queries, whatever the count, when the
    process does not know them yet; none when it does."""
    language_code = language_code or get_language() or settings.LANGUAGE_CODE
    key = (model._meta.label_lower, language_code)
    now = time.monotonic()
    keep = settings.LOOKUP_CACHE_SECONDS
    with _terms_lock:
        known = _known_terms.get(key)
    if known is None or (keep is not None and now - known[0] > keep):
        terms = {
            t.code: t for t in model.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
        }
        if language_code != settings.LANGUAGE_CODE:
            locale = locale_for_language(language_code)
            if locale:
                terms.update({t.code: t for t in model.objects.filter(locale=locale)})
        with _terms_lock:
            _known_terms[key] = (now, terms)
    else:
        terms = known[1]
    return {code: copy.copy(term) for code, term in terms.items()}


def forget_terms(**_signal_kwargs) -> None:
    with _terms_lock:
        _known_terms.clear()


def term_by_code(*, model, code: str, language_code: str | None = None):
    """One term in the reader's language (the default language's where it has no
    translation), or ``None`` if the code is unknown; from the terms the process keeps."""
    return terms_in_language(model=model, language_code=language_code).get(code)
