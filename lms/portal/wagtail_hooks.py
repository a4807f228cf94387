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


# --- translations only of pages one may edit (issue 12, hole 6) ----------------------------
# wagtail-localize lets anyone with its global "submit translation" permission translate any
# page, so Vietnam's team could create a live translation of Jordan's section. This view
# answers the same address first (the portal's hooks load before wagtail-localize's) and
# lets the request through only for pages the editor may edit.


def submit_page_translation(request, page_id):
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import get_object_or_404
    from wagtail.models import Page
    from wagtail_localize.views.submit_translations import SubmitPageTranslationView

    page = get_object_or_404(Page, pk=page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return SubmitPageTranslationView.as_view()(request, page_id=page_id)


@hooks.register("register_admin_urls")
def register_scoped_translation_urls():
    from django.urls import path

    return [
        path(
            "localize/submit/page/<int:page_id>/",
            submit_page_translation,
            name="portal_submit_page_translation",
        )
    ]
