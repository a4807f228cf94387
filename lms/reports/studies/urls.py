"""Public addresses of worker surveys (under the language prefix: /ar/survey/abc234.../)."""

from django.urls import path

from lms.reports.studies import public_views

app_name = "studies"

urlpatterns = [
    path("", public_views.survey_code, name="survey_code"),
    path("<slug:code>/", public_views.survey_answer, name="survey_answer"),
    path("<slug:code>/thanks/", public_views.survey_thanks, name="survey_thanks"),
]
