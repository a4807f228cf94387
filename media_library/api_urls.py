"""URLs of media_library without a language prefix: the service worker and manifest at the
site root (so the worker's scope is the whole site), captions and the reach beacon."""

from django.urls import path, re_path

from media_library import views

app_name = "media_library_api"
urlpatterns = [
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.web_manifest, name="manifest"),
    path("api/media/reach", views.reach, name="reach"),
    re_path(
        r"^api/media/videos/(?P<video_id>\d+)/captions/(?P<language>[a-z]{2,3})\.vtt$",
        views.caption,
        name="caption",
    ),
]
