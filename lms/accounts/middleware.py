"""The second factor, and the language of pages without a language in their path."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth import middleware as auth_middleware
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext

from lms.accounts import sessions
from lms.accounts.backends import LEGACY_BACKENDS
from lms.accounts.exposure import (
    SecondFactorRequired,
    exposure_of,
    has_confirmed_second_factor,
    needs_second_factor,
)

_LANGUAGES = {code for code, _name in settings.LANGUAGES}


def second_factor_refusal(request):
    """Where a session without a confirmed second factor goes instead: machines get a 403
    with the reason; people are sent to set up TOTP, or to confirm it if they have it."""
    from allauth.mfa.models import Authenticator

    path = request.path_info
    wants_json = path.startswith("/api/") or (
        "application/json" in request.headers.get("Accept", "")
        and "text/html" not in request.headers.get("Accept", "")
    )
    if wants_json:
        return JsonResponse(
            {
                "error": "second_factor_required",
                "detail": gettext(
                    "This needs a second factor: confirm your authenticator code and try again."
                ),
            },
            status=403,
        )
    has_totp = Authenticator.objects.filter(
        user=request.user, type=Authenticator.Type.TOTP
    ).exists()
    step = "mfa_reauthenticate" if has_totp else "mfa_activate_totp"
    return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")


class SecondFactorMiddleware:
    """Refuses every view that shows or changes other people's data (and the whole admin)
    to a session not confirmed with a second factor, whichever page signed it in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not needs_second_factor(exposure_of(request.resolver_match)):
            return None
        if has_confirmed_second_factor(request):
            return None
        return second_factor_refusal(request)

    def process_exception(self, request, exception):
        if isinstance(exception, SecondFactorRequired):
            return second_factor_refusal(request)
        return None


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


def _user_of(request):
    """The signed-in person, a session signed in through a backend renamed by decision 0031
    carried over to its successor first (nobody is signed out by the rename)."""
    if hasattr(request, "_cached_user"):
        return request._cached_user
    renamed = LEGACY_BACKENDS.get(request.session.get(BACKEND_SESSION_KEY))
    if renamed:
        request.session[BACKEND_SESSION_KEY] = renamed
    user = auth_middleware.get_user(request)
    sessions.read_ahead_give(request, user)
    return user


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, reading sessions signed in before decision 0031 as well, and telling the
    session what the request will read with it (``lms.accounts.sessions``)."""

    def process_request(self, request):
        sessions.read_ahead_plan(request)
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user_of(request))
