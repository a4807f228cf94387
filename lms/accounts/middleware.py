"""Staff must set up a second factor before they work in the admin or on staff pages."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

# Paths a staff member without TOTP may still use: to set it up, sign out, or load assets.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/media/", "/jsi18n/")
_LANGUAGES = {code for code, _name in settings.LANGUAGES}


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and self._is_protected(request.path_info)
            and user.needs_two_factor
            and not self._has_totp(user)
        ):
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)

    @staticmethod
    def _is_protected(path: str) -> bool:
        if path.startswith("/admin/"):
            return True
        # Public pages carry a language prefix: /vi/learn/staff/... is protected too.
        unprefixed = path
        parts = path.split("/", 2)
        if len(parts) == 3 and parts[1] in _LANGUAGES:
            unprefixed = "/" + parts[2]
        if any(unprefixed.startswith(p) for p in _ALLOWED_PREFIXES):
            return False
        return "/staff/" in unprefixed

    @staticmethod
    def _has_totp(user) -> bool:
        from allauth.mfa.models import Authenticator

        return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class PreferredLanguageMiddleware:
    """Pages without a language in their path (the Wagtail admin) speak the signed-in
    person's preferred language, unless they chose another one for the admin in its own
    account settings (Wagtail asks its profile first and falls back to the active one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "preferred_language", "") if user is not None else ""
        if (
            language in _LANGUAGES
            and user.is_authenticated
            and translation.get_language_from_path(request.path_info) is None
        ):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
