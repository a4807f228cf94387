"""Public, language-prefixed URLs of reports (mounted under /<lang>/reports/)."""

from django.urls import path

from lms.reports import views

app_name = "reports"
urlpatterns = [
    path("evaluations/mine/", views.my_evaluations, name="my_evaluations"),
]
