"""Programmes (with their requirements) as translatable snippets in the Wagtail admin, and
a menu link to the staff page of candidates and certificates."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from certification.models import Programme


class ProgrammeViewSet(SnippetViewSet):
    model = Programme
    icon = "success"
    menu_label = _("Certification programmes")
    menu_order = 350
    add_to_admin_menu = True
    list_display = ["title", "audience", "validity_months", "locale"]
    list_filter = ["audience", "locale"]
    search_fields = ["title"]


register_snippet(ProgrammeViewSet)


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return user.is_global_admin or user.is_country_staff


@hooks.register("register_admin_menu_item")
def register_certificates_menu_item():
    return StaffMenuItem(
        _("Candidates and certificates"),
        reverse_lazy("certification:manage"),
        icon_name="doc-full",
        order=351,
    )
