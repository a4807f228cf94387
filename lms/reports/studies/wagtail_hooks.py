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


@hooks.register("reports_human_development_tables")
def survey_tables(filters):
    """Human and social development on the impact dashboard: the answers to the latest survey
    answered within the filters (country, factory, sector, period), one table per question,
    by country, always with the small-count rule. A fixed number of queries."""
    from django.db.models import Q

    from compliance.models import Factory
    from lms.reports.studies.models import SurveyResponse
    from lms.reports.studies.surveys import survey_results

    scope = Q()
    if filters.country:
        scope &= Q(round_factory__round__country_id=filters.country.pk)
    factory_ids = None
    if filters.organisation or filters.sector:
        factories = Factory.objects.all()
        if filters.organisation:
            factories = factories.filter(organisation=filters.organisation)
        if filters.sector:
            factories = factories.filter(organisation__sector=filters.sector)
        factory_ids = factories.values("pk")
        scope &= Q(round_factory__factory_id__in=factory_ids)
    if filters.since:
        scope &= Q(submitted_on__gte=filters.since)
    if filters.until:
        scope &= Q(submitted_on__lte=filters.until)
    latest = (
        SurveyResponse.objects.filter(scope)
        .order_by("-submitted_on", "-pk")
        .values_list("round_factory__round__survey_id", flat=True)
        .first()
    )
    if latest is None:
        return []
    survey = Survey.objects.get(pk=latest)
    return survey_results(
        questions=survey.questions.all(),
        by="country",
        factory_ids=factory_ids,
        country_id=filters.country.pk if filters.country else None,
        since=filters.since,
        until=filters.until,
    )
