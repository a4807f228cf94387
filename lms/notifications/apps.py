from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "lms.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_count_unread_at_sign_in, dispatch_uid="notifications_unread")


def _count_unread_at_sign_in(sender, request, user, **kwargs):
    """Count the unread notices when the person signs in, so that pages read the header's
    count from the cache rather than the database."""
    from lms.notifications.selectors import unread_count

    unread_count(user=user)
