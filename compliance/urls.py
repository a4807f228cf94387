"""Language-prefixed URLs of the compliance room (mounted at /<lang>/factories/)."""

from django.urls import include, path

from compliance import views

app_name = "compliance"
urlpatterns = [
    path("", include("compliance.urls_plans")),
    path("", include("compliance.urls_sharing")),
    path("", include("compliance.urls_labour")),
    path("", views.factory_list, name="factories"),
    path("<int:pk>/", views.factory_detail, name="factory"),
    path("<int:pk>/assessments/new/", views.assessment_create, name="assessment_create"),
    path("countries/<slug:code>/", views.country_overview, name="country"),
    path("countries/<slug:code>/import/", views.factory_import, name="factory_import"),
    path("review/", views.review_queue, name="review_queue"),
    path("instruments/", views.instrument_list, name="instruments"),
    path("instruments/<int:pk>/export.xlsx", views.instrument_export, name="instrument_export"),
    path("instruments/<int:pk>/activate/", views.instrument_activate, name="instrument_activate"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/answers/", views.answer_api, name="answer_api"),
    path(
        "assessments/<int:pk>/questions/<int:question_id>/evidence/",
        views.evidence_upload,
        name="evidence_upload",
    ),
    path("assessments/<int:pk>/report/", views.assessment_report, name="report"),
    path("assessments/<int:pk>/report.pdf", views.assessment_report_pdf, name="report_pdf"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    # Last: submit, review, return, publish.
    path(
        "assessments/<int:pk>/<str:step>/",
        views.assessment_step,
        name="assessment_step",
    ),
]
