from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community of practice")

    def ready(self):
        from community import kept_pages, notifications

        notifications.register()
        kept_pages.connect()
