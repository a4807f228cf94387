"""Signals that keep a session in step with the person's profile."""

from allauth.account.internal.flows.login import record_authentication
from allauth.account.signals import user_logged_in
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.db.models.signals import post_save
from django.dispatch import Signal, receiver
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

# Sent when a person withdraws consent to a sensitive field (``field``: "gender" or
# "migrant_status") after the value is cleared; rooms that keep snapshots of it react.
consent_withdrawn = Signal()


@receiver(user_logged_in)
def activate_preferred_language(sender, request, user, **kwargs):
    """After sign-in the interface speaks the person's preferred language."""
    if user.preferred_language:
        translation.activate(user.preferred_language)
        request.session["preferred_language"] = user.preferred_language


@receiver(post_save, sender=Authenticator)
def confirm_session_after_totp_set_up(sender, instance, created, **kwargs):
    """Setting up TOTP proves a current code (allauth's form checks it before saving): the
    session that did it counts as confirmed with a second factor, as after a sign-in with
    it. Recorded at once, while the request's session is still open."""
    from allauth.core import context

    request = context.request
    if not created or instance.type != Authenticator.Type.TOTP or request is None:
        return
    if getattr(request, "user", None) is not None and request.user.pk == instance.user_id:
        record_authentication(request, request.user, "mfa", id=instance.pk, type=instance.type)


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
