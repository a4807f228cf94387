"""URLs of courses without a language prefix (APIs, public verification links)."""

from django.urls import path

from courses import offline_views

app_name = "courses_api"
urlpatterns = [
    path(
        "api/learn/offline/<int:page_id>/manifest",
        offline_views.manifest,
        name="offline_manifest",
    ),
    path("api/learn/offline/<int:page_id>/answers", offline_views.answers, name="offline_answers"),
    path("api/learn/offline/sync", offline_views.sync, name="offline_sync"),
]
