from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "lms.portal"
    label = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from lms.portal import receivers, signals, wagtail_fixes  # noqa: F401

        receivers.connect()
        wagtail_fixes.connect()
