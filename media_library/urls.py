"""Public, language-prefixed URLs of media_library."""

from django.urls import include, path

app_name = "media_library"
urlpatterns = [
    path("", include("media_library.interactive.urls")),
]
