"""The admin of the links the portal keeps between rooms: which communities a programme's
certificate holders belong to (global administrators only: the default model permissions)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from lms.portal.models import CertificateCommunity


class CertificateCommunityViewSet(SnippetViewSet):
    model = CertificateCommunity
    icon = "group"
    menu_label = _("Communities of certificate holders")
    add_to_admin_menu = False
    list_display = ["programme", "community"]
    copy_view_enabled = False


register_snippet(CertificateCommunityViewSet)
