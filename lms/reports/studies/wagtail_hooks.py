"""Surveys (translatable snippets), recordings of their questions, and the staff pages of
survey rounds and studies in the Wagtail admin."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from lms.reports.studies import views
from lms.reports.studies.models import QuestionAudio, Survey


class SurveyViewSet(SnippetViewSet):
    model = Survey
    icon = "list-ul"
    menu_label = _("Worker surveys")
    add_to_admin_menu = False
    list_display = ["title", "locale"]
    list_filter = ["locale"]
    search_fields = ["title"]


class QuestionAudioViewSet(SnippetViewSet):
    model = QuestionAudio
    icon = "media"
    menu_label = _("Survey questions read aloud")
    add_to_admin_menu = False
    list_display = ["question", "language"]
    list_filter = ["language"]


register_snippet(SurveyViewSet)
register_snippet(QuestionAudioViewSet)


@hooks.register("register_admin_urls")
def register_studies_urls():
    return [
        path("surveys/rounds/", views.round_list, name="studies_rounds"),
        path("surveys/rounds/new/", views.round_create, name="studies_round_create"),
        path("surveys/rounds/<int:pk>/", views.round_detail, name="studies_round"),
        path("studies/", views.study_list, name="studies_list"),
        path("studies/new/", views.study_create, name="studies_create"),
        path("studies/<int:pk>/", views.study_detail, name="studies_study"),
        path("studies/<int:pk>/assign/", views.study_assign, name="studies_assign"),
        path("studies/<int:pk>/check/", views.study_check, name="studies_check"),
        path("studies/<int:pk>/lock/", views.study_lock, name="studies_lock"),
        path("studies/<int:pk>/export/", views.study_export, name="studies_export"),
        path(
            "studies/exports/<int:pk>/<slug:part>/",
            views.study_export_download,
            name="studies_export_download",
        ),
    ]


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return views.may_manage(request.user)


@hooks.register("register_admin_menu_item")
def register_rounds_menu_item():
    return StaffMenuItem(
        _("Worker surveys"), reverse("studies_rounds"), icon_name="list-ul", order=151
    )


@hooks.register("register_admin_menu_item")
def register_studies_menu_item():
    return StaffMenuItem(_("Studies"), reverse("studies_list"), icon_name="table", order=152)
