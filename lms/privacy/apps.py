from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "lms.privacy"
    label = "privacy"
    verbose_name = _("Privacy")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lms.privacy import receivers  # noqa: F401
