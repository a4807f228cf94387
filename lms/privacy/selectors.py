"""Read-side queries of the privacy room."""

from django.conf import settings
from django.utils.translation import get_language

from lms.privacy.models import ErasureRequest, PrivacyNotice


def privacy_notice_for(language_code: str | None = None) -> PrivacyNotice | None:
    """The notice in ``language_code`` (the active language by default), else the default
    language's; the most recently changed when there are several."""
    language_code = language_code or get_language() or settings.LANGUAGE_CODE
    notices = PrivacyNotice.objects.select_related("locale").order_by("-updated_at", "-pk")
    return (
        notices.filter(locale__language_code=language_code).first()
        or notices.filter(locale__language_code=settings.LANGUAGE_CODE).first()
    )


def erasure_open_for(person) -> ErasureRequest | None:
    return ErasureRequest.objects.filter(person=person, status__in=ErasureRequest.OPEN).first()


def erasure_requests_visible_to(user):
    """Requests a staff member may see: global staff all, country staff their country's."""
    from lms.accounts.selectors import country_scope

    scope = country_scope(user)
    requests = ErasureRequest.objects.select_related("person", "country", "reviewed_by")
    if scope is None:
        return requests
    if scope is False:
        return requests.none()
    return requests.filter(country_id=scope)
