"""One rule for the second factor: every view declares whose data it shows, and a view that
shows or changes other people's data answers only a session confirmed with a second factor
(TOTP or a recovery code), whatever login page opened the session.

A view declares itself with one of the decorators below. Views of other projects (allauth,
Wagtail, Django) are classified by URL name in ``THIRD_PARTY``; the whole Wagtail admin counts
as other people's data. A view that is not classified at all is treated as other people's
data (the safe side), and ``tests/accounts/test_url_walk.py`` fails until it is classified.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied


class Exposure(StrEnum):
    # Nothing private about anyone: content, public profiles, sign-in and set-up pages.
    PUBLIC = "public"
    # Only the signed-in person's own data.
    OWN = "own"
    # Other people's data (lists of people, their evidence, exports, reviews, moderation).
    OTHERS = "others"
    # The person's own object, or someone else's for those allowed: the view calls
    # ``require_second_factor`` before it shows an object that is not the viewer's own.
    OWN_OR_OTHERS = "own_or_others"


def _declare(exposure: Exposure):
    def decorator(view):
        view.data_exposure = exposure
        return view

    return decorator


public_data = _declare(Exposure.PUBLIC)
own_data = _declare(Exposure.OWN)
others_data = _declare(Exposure.OTHERS)
own_or_others_data = _declare(Exposure.OWN_OR_OTHERS)


# Views of allauth, Wagtail and Django, by URL name.
THIRD_PARTY = {
    # allauth: signing in, signing up, setting up the second factor.
    "account_login": Exposure.PUBLIC,
    "account_logout": Exposure.PUBLIC,
    "account_inactive": Exposure.PUBLIC,
    "account_signup": Exposure.PUBLIC,
    "account_reauthenticate": Exposure.OWN,
    "account_email": Exposure.OWN,
    "account_email_verification_sent": Exposure.PUBLIC,
    "account_change_password": Exposure.OWN,
    "account_set_password": Exposure.OWN,
    "account_reset_password": Exposure.PUBLIC,
    "account_confirm_login_code": Exposure.PUBLIC,
    "account_confirm_email": Exposure.PUBLIC,
    "account_reset_password_from_key_done": Exposure.PUBLIC,
    "account_reset_password_from_key": Exposure.PUBLIC,
    "account_reset_password_done": Exposure.PUBLIC,
    "mfa_index": Exposure.OWN,
    "mfa_authenticate": Exposure.PUBLIC,
    "mfa_reauthenticate": Exposure.OWN,
    "mfa_activate_totp": Exposure.OWN,
    "mfa_deactivate_totp": Exposure.OWN,
    "mfa_view_recovery_codes": Exposure.OWN,
    "mfa_generate_recovery_codes": Exposure.OWN,
    "mfa_download_recovery_codes": Exposure.OWN,
    # Wagtail's public side: pages (their privacy settings apply), documents, sitemap.
    "wagtail_serve": Exposure.PUBLIC,
    "wagtailcore_authenticate_with_password": Exposure.PUBLIC,
    "wagtaildocs_serve": Exposure.PUBLIC,
    "wagtaildocs_authenticate_with_password": Exposure.PUBLIC,
    "sitemap": Exposure.PUBLIC,
    # Django: the interface strings for scripts.
    "javascript-catalog": Exposure.PUBLIC,
}

# Admin addresses that must open without a second factor: signing in (it leads to allauth's
# sign-in) and out.
ADMIN_EXEMPT = {"wagtailadmin_login": Exposure.PUBLIC, "wagtailadmin_logout": Exposure.PUBLIC}


def exposure_of(resolver_match) -> Exposure | None:
    """What the resolved view shows; None when nobody classified it."""
    name = resolver_match.view_name
    if name in ADMIN_EXEMPT:
        return ADMIN_EXEMPT[name]
    if resolver_match.route.startswith("admin/"):
        return Exposure.OTHERS
    func = resolver_match.func
    for holder in (func, getattr(func, "view_class", None), type(func)):
        declared = getattr(holder, "data_exposure", None)
        if declared is not None:
            return Exposure(declared)
    return THIRD_PARTY.get(name)


def needs_second_factor(exposure: Exposure | None) -> bool:
    """Unclassified views are treated as showing other people's data."""
    return exposure is None or exposure == Exposure.OTHERS


def has_confirmed_second_factor(request) -> bool:
    """True when this session was confirmed with a second factor (at sign-in, when the
    person set up TOTP, or when they confirmed it again)."""
    from allauth.account.authentication import get_authentication_records

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


class SecondFactorRequired(PermissionDenied):
    """Raised by a view about to show someone else's data to a session without a confirmed
    second factor; the middleware turns it into the set-up or confirmation step."""


def require_second_factor(request) -> None:
    if not has_confirmed_second_factor(request):
        raise SecondFactorRequired


def require_second_factor_unless_own(request, owner_id) -> None:
    """For views that show a person their own object, or someone else's to those allowed."""
    if owner_id != getattr(request.user, "pk", None):
        require_second_factor(request)
