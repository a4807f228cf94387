"""Public, language-prefixed URLs of media_library (under /<lang>/watch/)."""

from django.urls import include, path

from media_library import views

app_name = "media_library"
urlpatterns = [
    path("saved/", views.saved, name="saved"),
    path("", include("media_library.interactive.urls")),
]
