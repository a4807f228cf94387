"""Signals that keep a session in step with the person's profile."""

from allauth.account.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation


@receiver(user_logged_in)
def activate_preferred_language(sender, request, user, **kwargs):
    """After sign-in the interface speaks the person's preferred language."""
    if user.preferred_language:
        translation.activate(user.preferred_language)
        request.session["preferred_language"] = user.preferred_language
