"""URLs of media_library without a language prefix (APIs, public verification links)."""

from django.urls import include, path

urlpatterns = [
    path("", include("media_library.interactive.api_urls")),
]
