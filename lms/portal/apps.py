from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "lms.portal"
    label = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from lms import page_cache
        from lms.portal import receivers, signals  # noqa: F401

        receivers.connect()
        page_cache.connect()
