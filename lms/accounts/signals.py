"""Signals that keep a session in step with the person's profile."""

from allauth.account.signals import user_logged_in
from django.contrib import messages
from django.dispatch import receiver
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _


@receiver(user_logged_in)
def activate_preferred_language(sender, request, user, **kwargs):
    """After sign-in the interface speaks the person's preferred language."""
    if user.preferred_language:
        translation.activate(user.preferred_language)
        request.session["preferred_language"] = user.preferred_language


@receiver(user_logged_in)
def show_account_notices(sender, request, user, **kwargs):
    """Tell a person without email what happened to their account while they were away."""
    from lms.accounts.services import account_notices_take

    for notice in account_notices_take(person=user):
        messages.warning(
            request,
            _(
                "%(actor)s set a new password for your account on %(when)s. If you did not "
                "ask for this, tell your trainer or your country programme team."
            )
            % {
                "actor": notice.actor_name or _("Someone"),
                "when": date_format(localtime(notice.created_at), "DATETIME_FORMAT"),
            },
        )
