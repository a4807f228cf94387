"""Instrument versions (with their questions) as translatable snippets in the Wagtail admin.
Only global staff edit the global instrument; country staff adapt their country's versions."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from compliance.models import InstrumentVersion


class InstrumentVersionViewSet(SnippetViewSet):
    model = InstrumentVersion
    icon = "list-ul"
    menu_label = _("Assessment instruments")
    menu_order = 360
    add_to_admin_menu = True
    list_display = ["name", "country", "number", "status", "locale"]
    list_filter = ["status", "locale"]
    search_fields = ["name"]


register_snippet(InstrumentVersionViewSet)
