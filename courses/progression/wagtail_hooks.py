"""The question bank in the Wagtail admin: a translatable snippet (wagtail-localize offers
its translation like any other snippet), filtered by topic. Prerequisites and the attempt
rules are edited on each course's own form (``CoursePage.content_panels``)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from courses.progression.models import BankQuestion


class BankQuestionViewSet(SnippetViewSet):
    model = BankQuestion
    icon = "help"
    menu_label = _("Question bank")
    menu_order = 215
    add_to_admin_menu = True
    list_display = ["question", "topic", "active", "locale"]
    list_filter = ["topic", "active", "locale"]
    search_fields = ["question"]


register_snippet(BankQuestionViewSet)
