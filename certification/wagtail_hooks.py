"""Programmes (with their requirements) as translatable snippets in the Wagtail admin."""

from django.utils.translation import gettext_lazy as _
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
