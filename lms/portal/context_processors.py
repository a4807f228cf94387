"""What every public page's layout needs: the text direction of the active language."""

from django.conf import settings
from django.utils.translation import get_language


def portal(request):
    language = get_language() or settings.LANGUAGE_CODE
    return {
        "text_direction": "rtl" if language in settings.RTL_LANGUAGES else "ltr",
        "site_languages": settings.LANGUAGES,
    }
