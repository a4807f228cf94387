"""Reading the taxonomy in the reader's language."""

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


def terms_in_language(*, model, language_code: str | None = None) -> dict[str, object]:
    """Every term of ``model`` keyed by code, each in ``language_code`` where a translation
    exists and in the default language otherwise. Two queries, whatever the count."""
    language_code = language_code or get_language() or settings.LANGUAGE_CODE
    terms = {t.code: t for t in model.objects.filter(locale__language_code=settings.LANGUAGE_CODE)}
    if language_code != settings.LANGUAGE_CODE:
        locale = locale_for_language(language_code)
        if locale:
            terms.update({t.code: t for t in model.objects.filter(locale=locale)})
    return terms


def term_by_code(*, model, code: str, language_code: str | None = None):
    """One term in the reader's language, or ``None`` if the code is unknown."""
    canonical = model.objects.canonical().filter(code=code).first()
    if canonical is None:
        return None
    language_code = language_code or get_language()
    return (
        model.objects.filter(
            translation_key=canonical.translation_key, locale__language_code=language_code
        ).first()
        or canonical
    )
