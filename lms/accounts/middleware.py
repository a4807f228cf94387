"""Staff must set up a second factor before they work in the admin or on staff pages."""

from django.shortcuts import redirect
from django.urls import reverse

# Paths a staff member without TOTP may still use: to set it up, sign out, or load assets.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/media/", "/jsi18n/")


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
        if any(path.startswith(p) for p in _ALLOWED_PREFIXES):
            return False
        return path.startswith("/admin/") or "/staff/" in path

    @staticmethod
    def _has_totp(user) -> bool:
        from allauth.mfa.models import Authenticator

        return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
