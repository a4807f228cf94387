"""URLs without a language prefix: machine endpoints of every room."""

from django.urls import include, path

from lms.portal import views

urlpatterns = [
    path("api/csrf", views.csrf_cookie, name="csrf_cookie"),
    path("", include("lms.records.urls")),
    path("", include("media_library.api_urls")),
    path("", include("media_library.interactive.api_urls")),
    path("", include("courses.api_urls")),
    path("", include("certification.api_urls")),
    path("", include("community.api_urls")),
    path("", include("compliance.api_urls")),
]
