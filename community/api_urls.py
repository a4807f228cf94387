"""URLs of community without a language prefix: attached files (a post may show an image
from here, whatever the reader's language)."""

from django.urls import path

from . import views

app_name = "community_files"

urlpatterns = [
    path("community/files/<str:token>/<str:name>", views.attachment, name="attachment"),
]
