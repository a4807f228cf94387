"""Signals that keep a session in step with the person's profile."""

from allauth.account.internal.flows.login import record_authentication
from allauth.account.signals import user_logged_in
from allauth.mfa.signals import authenticator_added
from django.dispatch import receiver
from django.utils import translation


@receiver(user_logged_in)
def activate_preferred_language(sender, request, user, **kwargs):
    """After sign-in the interface speaks the person's preferred language."""
    if user.preferred_language:
        translation.activate(user.preferred_language)
        request.session["preferred_language"] = user.preferred_language


@receiver(authenticator_added)
def confirm_session_after_totp_set_up(sender, request, user, authenticator, **kwargs):
    """Setting up TOTP proves a current code: the session counts as confirmed with a second
    factor, as if the person had just signed in with it."""
    from allauth.mfa.models import Authenticator

    if request is not None and authenticator.type == Authenticator.Type.TOTP:
        record_authentication(
            request, user, "mfa", id=authenticator.pk, type=authenticator.type, activated=True
        )
