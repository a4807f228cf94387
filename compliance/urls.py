"""Language-prefixed URLs of the compliance room (mounted at /<lang>/factories/)."""

from django.urls import include, path

app_name = "compliance"
urlpatterns = [
    path("", include("compliance.urls_plans")),
]
