"""The admin of the links the portal keeps between rooms: which communities a programme's
certificate holders belong to (global administrators only: the default model permissions)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from lms.page_cache import mark_cacheable
from lms.portal.models import CertificateCommunity


@hooks.register("before_serve_page")
def page_cache_public_pages(page, request, serve_args, serve_kwargs):
    """Page types with ``page_cache = True`` may be served to anonymous visitors from the
    shared page cache (lms/page_cache.py decides whether this answer may be kept)."""
    if getattr(page, "page_cache", False):
        mark_cacheable(request)


class CertificateCommunityViewSet(SnippetViewSet):
    model = CertificateCommunity
    icon = "group"
    menu_label = _("Communities of certificate holders")
    add_to_admin_menu = False
    list_display = ["programme", "community"]
    copy_view_enabled = False


register_snippet(CertificateCommunityViewSet)
