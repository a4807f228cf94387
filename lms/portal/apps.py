from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "lms.portal"
    label = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from lms import learner_page_cache, page_cache
        from lms.portal import page_routing, receivers, signals, wagtail_fixes  # noqa: F401

        receivers.connect()
        page_cache.connect()
        learner_page_cache.connect()
        wagtail_fixes.connect()
        page_routing.connect()
        _forget_sites_on_change()


def _forget_sites_on_change():
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Site

    from lms.portal.site_lookup import forget_sites

    post_save.connect(forget_sites, sender=Site, dispatch_uid="portal.site_saved")
    post_delete.connect(forget_sites, sender=Site, dispatch_uid="portal.site_deleted")
