"""Package origin routes (files, players) and the bridge endpoints, without a language prefix."""

from django.urls import path

from media_library.interactive import views

app_name = "interactive_api"
urlpatterns = [
    path("interactive/files/<path:path>", views.package_file, name="file"),
    path("interactive/player/h5p/<uuid:uuid>/", views.h5p_player, name="h5p_player"),
    path("interactive/player/h5p-offline/", views.h5p_offline_player, name="h5p_offline_player"),
    path("api/interactive/h5p/<uuid:uuid>/statements", views.h5p_statements, name="h5p_statements"),
    path("api/interactive/h5p/<uuid:uuid>/state", views.h5p_state, name="h5p_state"),
    path("api/interactive/scorm/<int:sco_id>/attempts", views.scorm_attempt, name="scorm_attempt"),
    path(
        "api/interactive/scorm/attempts/<uuid:attempt_uuid>/commit",
        views.scorm_attempt_commit,
        name="scorm_commit",
    ),
]
